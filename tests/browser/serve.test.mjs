// `sotay serve` in a real browser: an open page reloads by itself when its record is
// saved, shows the errors when a save breaks the record, and clears them when fixed.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, test } from "node:test";
import { launch, repo, tempDir } from "./harness.mjs";

const RECORD = "content/procedures/1-010038-tach-ho.md";
let root, child, url, browser;

/** Starts `sotay serve` on a copy of the example handbook; resolves to its address. */
function startServe(dir) {
  const bin = process.env.SOTAY_BIN ?? join(repo, "target/release/sotay");
  child = spawn(bin, ["--root", dir, "serve", "--port", "0", "--base-path", "/so-tay/"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((ok, fail) => {
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      const found = line.match(/http:\/\/\S+/);
      if (found) ok(found[0]);
    });
    child.on("exit", (code) => fail(new Error(`sotay serve exited with ${code}`)));
  });
}

function edit(from, to) {
  const path = join(root, RECORD);
  const text = readFileSync(path, "utf8");
  assert.ok(text.includes(from), `${RECORD} has no ${from}`);
  writeFileSync(path, text.replace(from, to));
}

before(async () => {
  root = tempDir("sotay-serve-");
  for (const part of ["content", "themes", "sotay.yaml"]) cpSync(join(repo, part), join(root, part), { recursive: true });
  url = await startServe(root);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  child?.kill();
});

describe("live preview", () => {
  test("an open page reloads by itself after a save, and shows errors until they are fixed", async () => {
    const page = await browser.newPage();
    await page.goto(`${url}thu-tuc/1-010038-tach-ho/`);
    assert.equal(await page.locator("h1").innerText(), "Tách hộ");
    // Marks this document: a reload replaces it, so the mark disappears.
    await page.evaluate(() => (window.notReloaded = true));
    // Wait until the event stream is open (the injected script keeps it in
    // window.sotayLive), so the save is not missed.
    await page.waitForFunction(() => window.sotayLive?.readyState === 1);

    edit('title: "Tách hộ"', 'title: "Tách hộ gia đình"');
    await page.waitForFunction(() => document.querySelector("h1")?.innerText === "Tách hộ gia đình", null, { timeout: 10000 });
    assert.equal(await page.evaluate(() => window.notReloaded), undefined, "the page was reloaded, not patched");

    edit('title: "Tách hộ gia đình"', 'title: ["Tách hộ gia đình"');
    const overlay = page.locator("#sotay-errors");
    await overlay.waitFor({ timeout: 10000 });
    assert.match(await overlay.innerText(), /YAML không hợp lệ/);
    assert.match(await overlay.innerText(), /content\/procedures\/1-010038-tach-ho\.md:3:8/);
    assert.equal(await page.locator("h1").innerText(), "Tách hộ gia đình", "the last good page stays under the errors");

    edit('title: ["Tách hộ gia đình"', 'title: "Tách hộ"');
    await overlay.waitFor({ state: "detached", timeout: 10000 });
    assert.equal(await page.locator("h1").innerText(), "Tách hộ");
    await page.close();
  });

  test("pages a save does not change are not reloaded", async () => {
    const page = await browser.newPage();
    await page.goto(`${url}thu-tuc/1-002755-gia-han-tam-tru/`);
    await page.evaluate(() => (window.notReloaded = true));
    await page.waitForFunction(() => window.sotayLive?.readyState === 1);
    const other = await browser.newPage();
    await other.goto(`${url}thu-tuc/1-010038-tach-ho/`);
    await other.waitForFunction(() => window.sotayLive?.readyState === 1);
    edit("amount: 10000", "amount: 19000");
    await other.waitForFunction(() => document.body.innerText.includes("19.000 đồng"), null, { timeout: 10000 });
    assert.equal(await page.evaluate(() => window.notReloaded), true, "an unrelated page reloaded");
    await page.close();
    await other.close();
  });
});
