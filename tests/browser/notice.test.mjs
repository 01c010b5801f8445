// The printed notice (niêm yết) in Chromium's print: one A4 sheet for nine in ten
// real records, a clean continuation for the rest, and a QR code 25 mm or wider.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { buildSite, launch } from "./harness.mjs";
import { makeSite } from "./corpus.mjs";

let browser, out;

before(async () => {
  browser = await launch();
  const root = makeSite();
  const config = join(root, "sotay.yaml");
  writeFileSync(config, `base_url: "https://thutuc.example.gov.vn"\n${readFileSync(config, "utf8")}`);
  out = buildSite(root);
});

after(async () => {
  await browser?.close();
});

/** Printed A4 pages of a notice, with Chromium's own print to PDF. */
async function sheets(page, slug) {
  await page.goto(`file://${out}/thu-tuc/${slug}/niem-yet/index.html`);
  const pdf = await page.pdf({ format: "A4", preferCSSPageSize: true });
  return (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
}

test("nine in ten real records' notices print on one A4 sheet", async () => {
  const slugs = readdirSync(join(out, "thu-tuc")).filter((s) => !s.endsWith(".html"));
  const counts = new Map();
  // Two pages at once: the machines that run this have two cores.
  const queue = [...slugs];
  await Promise.all(
    [0, 1].map(async () => {
      const page = await browser.newPage();
      for (let slug = queue.pop(); slug; slug = queue.pop()) counts.set(slug, await sheets(page, slug));
      await page.close();
    }),
  );
  const one = [...counts.values()].filter((n) => n === 1).length;
  const share = one / slugs.length;
  console.log(`notices on one A4 sheet: ${one} of ${slugs.length} (${(share * 100).toFixed(1)}%)`);
  assert.equal(slugs.length, 864);
  assert.ok(share >= 0.9, `only ${(share * 100).toFixed(1)}% fit one sheet`);
});

test("a long notice continues cleanly: the title repeats and no row or item is cut", async () => {
  const page = await browser.newPage();
  const slugs = readdirSync(join(out, "thu-tuc")).filter((s) => !s.endsWith(".html"));
  let long = null;
  for (const slug of slugs) {
    if ((await sheets(page, slug)) >= 2) {
      long = slug;
      break;
    }
  }
  assert.ok(long, "some real record needs a second sheet");
  await page.emulateMedia({ media: "print" });
  const layout = await page.evaluate(() => ({
    // A table head repeats on every printed page: the small running title.
    running: getComputedStyle(document.querySelector(".notice-frame > thead .notice-running")).display,
    rows: [...document.querySelectorAll(".notice-table tr, .notice-checklist > li")].map((e) => getComputedStyle(e).breakInside),
    qr: document.querySelector("svg.qr").getBoundingClientRect().width,
  }));
  assert.equal(layout.running, "block");
  assert.ok(layout.rows.length > 0 && layout.rows.every((b) => b === "avoid"), layout.rows.join());
  // 25 mm at 96 CSS pixels to the inch.
  assert.ok(layout.qr >= (25 / 25.4) * 96, `QR code ${layout.qr} px wide`);
  await page.close();
});

/** The sheets of a printed poster and their size in points, from Chromium's PDF. */
async function posterSheets(page, path) {
  await page.goto(`file://${out}/${path}`);
  const pdf = (await page.pdf({ preferCSSPageSize: true })).toString("latin1");
  const sheets = (pdf.match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  const box = pdf.match(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/);
  return { sheets, width: Math.round(Number(box[1])), height: Math.round(Number(box[2])) };
}

test("a field's posters print on A4 and A3 portrait, the column heads on every sheet", async () => {
  const page = await browser.newPage();
  // The biggest field of the real records: a poster of several sheets.
  const fields = readdirSync(join(out, "linh-vuc")).filter((s) => !s.endsWith(".html"));
  const rows = (f) => (readFileSync(join(out, "linh-vuc", f, "niem-yet/index.html"), "utf8").match(/<tr>/g) ?? []).length;
  const field = fields.sort((a, b) => rows(b) - rows(a))[0];
  const a4 = await posterSheets(page, `linh-vuc/${field}/niem-yet/index.html`);
  assert.deepEqual([a4.width, a4.height], [595, 842]);
  const a3 = await posterSheets(page, `linh-vuc/${field}/niem-yet-a3/index.html`);
  assert.deepEqual([a3.width, a3.height], [842, 1191]);
  console.log(`largest field poster (${field}, ${rows(field) - 1} procedures): ${a4.sheets} A4 sheets, ${a3.sheets} A3 sheets`);
  assert.ok(a4.sheets >= 2, "a long list continues on more sheets");
  await page.emulateMedia({ media: "print" });
  const layout = await page.evaluate(() => ({
    head: getComputedStyle(document.querySelector(".poster-table thead")).display,
    rows: [...document.querySelectorAll(".poster-table tbody tr")].map((r) => getComputedStyle(r).breakInside),
    qr: document.querySelector("svg.qr").getBoundingClientRect().width,
  }));
  // A table head repeats on every printed sheet.
  assert.equal(layout.head, "table-header-group");
  assert.ok(layout.rows.every((b) => b === "avoid"));
  assert.ok(layout.qr >= (25 / 25.4) * 96, `QR code ${layout.qr} px wide`);
  await page.close();
});
