// The example handbook in a real browser: links from disk and from a subfolder,
// accessibility (axe-core), small screens, no JavaScript, and the print checklist.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { axeViolations, buildSite, launch, repo, serve, tempDir } from "./harness.mjs";

let out, server, browser;

before(async () => {
  out = buildSite();
  server = await serve(out, "/so-tay/thu-tuc-hanh-chinh/");
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Follows the link with this text, as a citizen clicks it. */
async function follow(page, text) {
  await Promise.all([page.waitForLoadState("load"), page.getByRole("link", { name: text, exact: true }).first().click()]);
}

async function expectProcedurePage(page) {
  assert.match(await page.locator("h1").innerText(), /Thủ tục đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con/);
  // The record's note says the provincial council sets the fee: no "Miễn phí".
  assert.equal(await page.locator(".before .fee").first().innerText(), "Theo mức do HĐND tỉnh quy định");
  assert.equal(await page.locator(".before .time").first().innerText(), "10 ngày");
  assert.equal(await page.locator(".before .badge").innerText(), "Một phần");
  assert.ok((await page.locator(".checklist > li").count()) > 10);
  // The stylesheet loaded: the header has its colour.
  const background = await page.locator(".site-header").evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.equal(background, "rgb(11, 61, 122)");
}

describe("navigation", () => {
  test("opened from disk (file://), links lead to a procedure page", async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(`${out}/index.html`).href);
    await follow(page, "Hộ tịch");
    assert.match(page.url(), /linh-vuc\/ho-tich\/index\.html$/);
    await follow(page, "Thủ tục đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con có yếu tố nước ngoài");
    await expectProcedurePage(page);
    await page.close();
  });

  test("a missing page deep in a subfolder shows a styled 404 whose links lead home", async () => {
    // No base_url in the example: the server answers 404.html at whatever address was asked.
    const page = await browser.newPage();
    const response = await page.goto(server.url + "thu-tuc/khong-con-thu-tuc-nay/index.html");
    assert.equal(response.status(), 404);
    assert.equal(await page.locator("h1").innerText(), "Không tìm thấy trang");
    const background = await page.locator(".site-header").evaluate((e) => getComputedStyle(e).backgroundColor);
    assert.equal(background, "rgb(11, 61, 122)");
    await follow(page, "Thủ tục A–Z");
    assert.equal(page.url(), server.url + "a-z/index.html");
    assert.match(await page.locator("h1").innerText(), /A–Z/);
    await page.close();
  });

  test("served from a subfolder, links stay inside it", async () => {
    const page = await browser.newPage();
    const requested = [];
    page.on("request", (r) => requested.push(r.url()));
    await page.goto(server.url);
    await follow(page, "Thủ tục A–Z");
    await follow(page, "Thủ tục đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con có yếu tố nước ngoài");
    await expectProcedurePage(page);
    for (const url of requested) assert.ok(url.startsWith(server.url), `left the subfolder: ${url}`);
    await page.close();
  });

  test("works with JavaScript turned off", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(server.url);
    await follow(page, "Tìm kiếm");
    assert.match(await page.locator("main").innerText(), /Tra cứu theo danh mục/);
    await follow(page, "Lĩnh vực");
    await follow(page, "Chứng thực");
    assert.ok((await page.locator(".procedures > li").count()) >= 4);
    await context.close();
  });

  test("an office's page and its poster work with JavaScript turned off", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(server.url);
    await follow(page, "Công an phường An Bình – Tổ tiếp nhận hồ sơ cư trú, căn cước");
    assert.match(await page.locator(".office-page").innerText(), /Số 5 đường Trung Tâm/);
    const listed = await page.locator(".procedures > li").count();
    assert.ok(listed >= 5, `${listed} procedures`);
    await follow(page, "A4");
    assert.equal(page.url(), server.url + "noi-nop/cong-an-phuong/niem-yet/index.html");
    assert.equal(await page.locator(".poster-table tbody tr").count(), listed);
    await follow(page, "Khổ A3");
    assert.equal(await page.locator("article.poster-a3 .poster-table tbody tr").count(), listed);
    await context.close();
  });
});

describe("accessibility (axe-core)", () => {
  const pages = {
    home: "index.html",
    procedure: "thu-tuc/1-001695-thu-tuc-dang-ky-khai-sinh-ket-hop-dang-ky-nhan/index.html",
    "procedure with a channel table": "thu-tuc/2-000908-thu-tuc-cap-ban-sao-tu-so-goc/index.html",
    "field list": "linh-vuc/ho-tich/index.html",
    "A–Z index": "a-z/index.html",
    "code index": "ma-thu-tuc/index.html",
    "all fields": "linh-vuc/index.html",
    search: "search/index.html",
    "search results": "search/index.html?q=giay+phep+lai+xe",
    "free page": "trang/gioi-thieu/index.html",
    404: "404.html",
    notice: "thu-tuc/1-010038-tach-ho/niem-yet/index.html",
    "office page": "noi-nop/mot-cua-phuong/index.html",
    "field poster (A4)": "linh-vuc/ho-tich/niem-yet/index.html",
    "office poster (A3)": "noi-nop/cong-an-phuong/niem-yet-a3/index.html",
    statistics: "thong-ke/index.html",
    "open data": "data/index.html",
    "statistics band list": "thong-ke/phi/mien-phi/index.html",
    changes: "thay-doi/index.html",
  };
  for (const [name, path] of Object.entries(pages)) {
    test(`${name} has no violations`, async () => {
      const page = await browser.newPage();
      await page.goto(server.url + path);
      await page.evaluate(() => window.sotaySearchDone); // results shown, if any
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
      await page.close();
    });
  }
});

describe("axe-core itself", () => {
  test("finds violations where there are some (the check above is not vacuous)", async () => {
    const page = await browser.newPage();
    await page.setContent('<html><body><img src="x.png"><a href="#"></a><p style="color:#aaa;background:#fff">mờ</p></body></html>');
    const ids = (await axeViolations(page)).map((v) => v.id).sort();
    for (const id of ["color-contrast", "html-has-lang", "image-alt", "link-name"]) assert.ok(ids.includes(id), `${id} not in ${ids}`);
    await page.close();
  });
});

describe("small screens", () => {
  test("a procedure page fits a 360 px phone without sideways scrolling", async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    await page.goto(server.url + "thu-tuc/2-000908-thu-tuc-cap-ban-sao-tu-so-goc/index.html");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
    await page.close();
  });
});

describe("print", () => {
  test("a procedure prints as a checklist without navigation", async () => {
    const page = await browser.newPage();
    await page.goto(server.url + "thu-tuc/1-010038-tach-ho/index.html");
    await page.emulateMedia({ media: "print" });
    for (const hidden of [".site-header", ".site-footer", ".breadcrumbs", ".prose"]) {
      assert.equal(await page.locator(hidden).first().evaluate((e) => getComputedStyle(e).display), "none", hidden);
    }
    const tick = await page.locator(".checklist > li").first().evaluate((e) => getComputedStyle(e, "::before").content);
    assert.equal(tick, '"☐ "');
    assert.ok(await page.locator(".before .fee").first().isVisible());
    assert.ok(await page.locator(".channel-table .fee").first().isVisible());
    assert.ok(await page.locator(".where").isVisible());
    // With the theme's fonts, and with DejaVu Sans, the widest fallback and the only
    // font a fresh Debian may have: the page must fit whichever the machine has.
    for (const font of [null, "DejaVu Sans"]) {
      if (font) await page.addStyleTag({ content: `* { font-family: "${font}" !important; }` });
      const pdf = await page.pdf({ format: "A4" });
      const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
      assert.equal(pages, 1, `the checklist fits on one A4 page (${font ?? "theme fonts"})`);
    }
    await page.close();
  });
});

describe("the zip for USB sticks and intranets", () => {
  test("unpacked, it opens from disk: home, a procedure, search results", async () => {
    const dir = tempDir("sotay-zip-");
    const zip = join(dir, "so-tay-an-binh.zip");
    const bin = process.env.SOTAY_BIN ?? join(repo, "target/release/sotay");
    const built = spawnSync(bin, ["--root", repo, "build", "--output", join(dir, "public"), "--zip", zip], { encoding: "utf8" });
    assert.equal(built.status, 0, built.stderr);
    assert.match(built.stderr, /so-tay-an-binh\.zip \(\d+\.\d MB\)/);
    // Python's zipfile, as any computer's "extract all" would.
    const unpacked = spawnSync("python3", ["-m", "zipfile", "-e", zip, join(dir, "usb")], { encoding: "utf8" });
    assert.equal(unpacked.status, 0, unpacked.stderr);
    const root = join(dir, "usb", "so-tay-an-binh");
    const page = await browser.newPage();
    await page.goto(pathToFileURL(join(root, "index.html")).href);
    await follow(page, "Hộ tịch");
    await follow(page, "Thủ tục đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con có yếu tố nước ngoài");
    await expectProcedurePage(page);
    await page.goto(pathToFileURL(join(root, "search/index.html")).href + "?q=tach+ho");
    await page.waitForFunction(() => window.sotaySearchDone);
    await page.evaluate(() => window.sotaySearchDone);
    assert.equal(await page.locator("#search-results li").first().getAttribute("data-code"), "1.010038");
    await page.close();
  });
});

describe("records imported from the portal's list", () => {
  test("an incomplete record's page says so plainly, fits a phone and passes axe", async () => {
    const root = tempDir("sotay-stub-");
    const list = join(repo, "../shared/data/import/toa-an-nhan-dan.xlsx");
    spawnSync("cp", ["-r", join(repo, "content"), join(repo, "sotay.yaml"), root]);
    const bin = process.env.SOTAY_BIN ?? join(repo, "target/release/sotay");
    const imported = spawnSync(bin, ["--root", root, "import", "list", list], { encoding: "utf8" });
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stdout, /đã tạo 3 hồ sơ chưa đủ thông tin/);
    const out = buildSite(root);
    const stubServer = await serve(out, "/so-tay/");
    const page = await browser.newPage({ viewport: { width: 360, height: 800 } });
    await page.goto(stubServer.url + "thu-tuc/3-000164-dang-ky-nhan-cac-thong-bao-van-ban-to-tung/index.html");
    assert.equal(await page.locator(".before h2").innerText(), "Thông tin chi tiết chưa được công bố");
    assert.match(await page.locator(".before").innerText(), /Tra cứu trên Cổng Dịch vụ công theo mã thủ tục 3\.000164/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.equal(overflow, 0);
    assert.deepEqual(await axeViolations(page), []);
    await page.close();
    await stubServer.close();
  });
});

describe("statistics and open data", () => {
  test("the charts fit a phone, name themselves, and a bar leads to its procedures", async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 800 } });
    await page.goto(server.url + "index.html");
    await follow(page, "Thống kê: trực tuyến, phí, thời hạn");
    assert.equal(await page.locator("h1").innerText(), "Thống kê thủ tục");
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 360);
    const charts = page.locator("svg.chart");
    assert.equal(await charts.count(), 4);
    for (let i = 0; i < 4; i++) {
      const title = await charts.nth(i).locator(":scope > title").textContent();
      assert.ok(title.length > 5, title);
    }
    // The bar of the partly online procedures, and the list it opens.
    const bar = page.locator("section[aria-labelledby='truc-tuyen'] svg a").filter({ hasText: "Một phần" });
    const count = Number(await bar.locator("text.count").textContent());
    assert.ok(count > 0);
    await Promise.all([page.waitForLoadState("load"), bar.locator("rect").click()]);
    assert.equal(await page.locator("h1").innerText(), "Mức độ trực tuyến: Một phần");
    assert.match(await page.locator("p.count").innerText(), new RegExp(`^${count} thủ tục`));
    // Printed, the charts stay whole: no chart is cut between two sheets.
    await page.goBack();
    await page.emulateMedia({ media: "print" });
    const fill = await page.locator("svg.chart rect").first().evaluate((r) => getComputedStyle(r).fill);
    assert.equal(fill, "rgb(0, 0, 0)");
    await page.close();
  });

  test("the open data page's files download and parse", async () => {
    const page = await browser.newPage();
    await page.goto(server.url + "index.html");
    await follow(page, "Dữ liệu mở (JSON, CSV)");
    const json = await page.evaluate(async () => (await fetch("procedures.json")).json());
    assert.equal(json.format, 1);
    assert.equal(json.procedures.length, json.count);
    const khaiSinh = json.procedures.find((p) => p.code === "1.001695");
    assert.ok(khaiSinh.documents.length > 5);
    const csv = await page.evaluate(async () => new Uint8Array(await (await fetch("procedures.csv")).arrayBuffer()));
    assert.deepEqual([...Object.values(csv).slice(0, 3)], [0xef, 0xbb, 0xbf]);
    await page.close();
  });
});
