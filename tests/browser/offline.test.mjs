// `offline: true` (as the example sets it): the handbook keeps working when the connection drops.
// Chromium on a local server (a subfolder), the browser context switched offline the
// way a phone loses its signal.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { axeViolations, launch, repo, serve, tempDir } from "./harness.mjs";

const VISITED = "thu-tuc/1-001695-thu-tuc-dang-ky-khai-sinh-ket-hop-dang-ky-nhan/index.html";
const VISITED_FILE = "content/procedures/1-001695-thu-tuc-dang-ky-khai-sinh-ket-hop-dang-ky-nhan.md";
const UNVISITED = "thu-tuc/1-000894-thu-tuc-dang-ky-ket-hon/index.html";

let root, out, server, browser;

/** Builds the handbook at `root` into `out`, replacing the previous build. */
function build() {
  const bin = process.env.SOTAY_BIN ?? join(repo, "target/release/sotay");
  const run = spawnSync(bin, ["--root", root, "build", "--output", out], { encoding: "utf8", maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`sotay build failed:\n${run.stderr}`);
  return run.stderr;
}

function workerVersion() {
  return JSON.parse(readFileSync(join(out, "sw.js"), "utf8").match(/^self\.SOTAY = (.*);$/m)[1]).version;
}

/** Today as the banner writes it, dd/mm/yyyy. */
function today() {
  const d = new Date();
  const two = (n) => String(n).padStart(2, "0");
  return `${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()}`;
}

/** Waits until a service worker controls the page (it claims it once installed). */
async function controlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
}

/** The names of this handbook's caches in the page's origin. */
async function cacheNames(page) {
  return page.evaluate(async () => (await caches.keys()).filter((n) => n.startsWith("sotay ")));
}

before(async () => {
  root = tempDir("sotay-offline-");
  cpSync(join(repo, "content"), join(root, "content"), { recursive: true });
  cpSync(join(repo, "sotay.yaml"), join(root, "sotay.yaml"));
  assert.match(readFileSync(join(root, "sotay.yaml"), "utf8"), /^offline: true$/m, "the example works offline");
  out = join(root, "public");
  build();
  server = await serve(out, "/so-tay/");
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe("offline", () => {
  let context, page;

  before(async () => {
    context = await browser.newContext({ viewport: { width: 360, height: 800 } });
    page = await context.newPage();
    await page.goto(server.url + "index.html");
    await controlled(page);
    // A procedure page read online is stored as it is read.
    await page.goto(server.url + VISITED);
    await page.goto(server.url + "index.html");
    await context.setOffline(true);
  });

  after(async () => {
    await context?.close();
  });

  test("a field list opens offline, with the banner naming the day it was stored", async () => {
    await page.goto(server.url + "linh-vuc/ho-tich/index.html");
    assert.equal(await page.locator("h1").innerText(), "Lĩnh vực: Hộ tịch");
    assert.ok((await page.locator("main li a").count()) > 5);
    const banner = page.locator(".offline-banner");
    await banner.waitFor({ state: "visible" });
    assert.equal(await banner.innerText(), `Bạn đang xem bản lưu ngày ${today()}`);
  });

  test("a procedure page visited before opens offline with its fee and time", async () => {
    await page.goto(server.url + VISITED);
    assert.match(await page.locator("h1").innerText(), /Thủ tục đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con/);
    assert.equal(await page.locator(".before .time").first().innerText(), "10 ngày");
    await page.locator(".offline-banner").waitFor({ state: "visible" });
    // The stylesheet came from the stored copy too.
    const background = await page.locator(".site-header").evaluate((e) => getComputedStyle(e).backgroundColor);
    assert.equal(background, "rgb(11, 61, 122)");
  });

  test("search without diacritics works offline from the stored index", async () => {
    await page.goto(server.url + "search/index.html?q=dang%20ky%20ket%20hon");
    const first = page.locator("#search-results li a").first();
    await first.waitFor();
    assert.match(await first.innerText(), /đăng ký kết hôn/i);
  });

  test("a page never visited shows the offline page, which leads back to what is stored", async () => {
    await page.goto(server.url + UNVISITED);
    assert.equal(await page.locator("h1").innerText(), "Trang này chưa được lưu trên máy");
    assert.match(page.url(), /ngoai-tuyen\/index\.html$/);
    // Not a stored copy of what was asked for: no "saved on" banner, and no store
    // button while there is no connection to store with.
    assert.equal(await page.locator(".offline-banner").count(), 0);
    assert.ok(await page.locator(".offline-save").isHidden());
    await Promise.all([page.waitForLoadState("load"), page.getByRole("link", { name: "Lĩnh vực", exact: true }).last().click()]);
    assert.equal(await page.locator("h1").innerText(), "Tất cả lĩnh vực");
    assert.deepEqual(await axeViolations(page), []);
  });

  test("“store the whole handbook” shows its size, then every page opens offline", async () => {
    await context.setOffline(false);
    await page.goto(server.url + "index.html");
    const status = page.locator(".offline-save-status");
    await page.locator(".offline-save").waitFor({ state: "visible" });
    assert.match(await status.innerText(), /^Sẽ tải \d+ trang và biểu mẫu, khoảng [\d,]+ (KB|MB)\.$/);
    await page.getByRole("button", { name: "Lưu cả sổ tay để xem khi không có mạng" }).click();
    await page.waitForFunction(() => document.querySelector(".offline-save-status").textContent.startsWith("Đã lưu cả sổ tay"), null, {
      timeout: 60_000,
    });
    await context.setOffline(true);
    await page.goto(server.url + UNVISITED);
    assert.equal(await page.locator("h1").innerText(), "Thủ tục đăng ký kết hôn");
    await page.goto(server.url + "a-z/index.html");
    assert.ok((await page.locator("main li a").count()) > 20);
    await context.setOffline(false);
  });

  test("after a new build the cache holds that build only, visited pages included", async () => {
    const before = workerVersion();
    assert.deepEqual(await cacheNames(page), [`sotay ${server.url} ${before}`]);
    appendFileSync(join(root, VISITED_FILE), "\nBản build thứ hai: dòng này chỉ có trong bản mới.\n");
    build();
    const version = workerVersion();
    assert.notEqual(version, before);
    // The browser looks for a new worker on the next visit; it installs and takes over.
    await page.goto(server.url + "index.html");
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    const wanted = [`sotay ${server.url} ${version}`];
    for (let tries = 0; JSON.stringify(await cacheNames(page)) !== JSON.stringify(wanted); tries++) {
      assert.ok(tries < 240, `still ${JSON.stringify(await cacheNames(page))} after a minute`);
      await page.waitForTimeout(250);
    }
    await context.setOffline(true);
    await page.goto(server.url + VISITED);
    assert.match(await page.locator("main").innerText(), /dòng này chỉ có trong bản mới/);
    // Pages stored with "store the whole handbook" came along, from the new build.
    await page.goto(server.url + UNVISITED);
    assert.equal(await page.locator("h1").innerText(), "Thủ tục đăng ký kết hôn");
    await context.setOffline(false);
  });

  test("`offline: false` removes the worker and what it stored from the reader's browser", async () => {
    const config = readFileSync(join(root, "sotay.yaml"), "utf8");
    writeFileSync(join(root, "sotay.yaml"), config.replace("offline: true", "offline: false"));
    build();
    await page.goto(server.url + "index.html");
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    for (let tries = 0; ; tries++) {
      const left = await page.evaluate(async () => [(await caches.keys()).length, (await navigator.serviceWorker.getRegistrations()).length]);
      if (left[0] === 0 && left[1] === 0) break;
      assert.ok(tries < 240, `caches and workers left after a minute: ${left}`);
      await page.waitForTimeout(250);
    }
    await context.setOffline(true);
    const response = await page.goto(server.url + "linh-vuc/ho-tich/index.html").catch((e) => e);
    assert.ok(response instanceof Error, "nothing answers offline any more");
    await context.setOffline(false);
    writeFileSync(join(root, "sotay.yaml"), config);
    build();
  });
});

test("the build reports the offline copy's size and budget", () => {
  const said = build();
  assert.match(said, /ngoại tuyến: lần xem đầu lưu [\d.]+ (KB|MB) đã nén \(\d+ tệp; ngân sách 2\.0 MB\)/);
});
