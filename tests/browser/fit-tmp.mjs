import { chromium } from "playwright-core";
import { readdirSync } from "node:fs";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
const page = await browser.newPage();
const slugs = readdirSync("/tmp/sh/public/thu-tuc").filter((s) => !s.endsWith(".html"));
const counts = {};
const started = Date.now();
for (const slug of slugs) {
  await page.goto(`file:///tmp/sh/public/thu-tuc/${slug}/niem-yet/index.html`);
  const pdf = await page.pdf({ format: "A4", preferCSSPageSize: true });
  const n = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  counts[n] = (counts[n] ?? 0) + 1;
}
console.log(slugs.length, counts, (Date.now() - started) / 1000, "s");
await browser.close();
