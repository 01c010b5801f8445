// Search benchmark: sites of 1,000 and 10,000 records (varied copies of the real
// ones), served gzip-compressed by a local server that counts what it sends, opened
// in headless Chromium with a cold cache over an emulated slow connection.
// Prints, per query: bytes and requests until the first results show, sequential
// request rounds, time to results; then the time per keystroke once loaded.
//   node bench-search.mjs [records ...]      (default: 1000 10000)
import { createServer } from "node:http";
import { readFileSync, statSync } from "node:fs";
import { extname, join, normalize, sep } from "node:path";
import { gzipSync } from "node:zlib";
import { makeSite } from "./corpus.mjs";
import { buildSite, launch } from "./harness.mjs";

const LATENCY = 150; // ms per request: a rural 3G/4G round trip
const THROUGHPUT = 200 * 1024; // bytes per second
const PAUSE = 120; // ms between keystrokes: a fast typist
const titleQueries = ["dang ky ket hon", "cap giay phep lai xe", "1.000894", "ho kinh doanh", "giay phep xay dung", "khai sinh co yeu to nuoc ngoai", "dang ki ket hon", "cccd", "bang lai xe"];
// A slip no title has: the second round of index files it needs is counted.
const slipQueries = ["dang ky thay doi tong tin su dung chung tu dien tu", "cong nhan lang nge"];
const bodyQueries = ["giay uy quyen", "ban chup chung thuc", "to khai hai quan dien tu"];
const types = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript; charset=utf-8" };

function countingServer(dir) {
  const log = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = normalize(join(dir, path));
    if (!(file === dir || file.startsWith(dir + sep))) return res.writeHead(403).end();
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      // gzip level 6, what Apache, Caddy and most CDNs send for text.
      const body = gzipSync(readFileSync(file), { level: 6 });
      log.push({ path, bytes: body.length });
      res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream", "content-encoding": "gzip" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok({ server, log, url: `http://127.0.0.1:${server.address().port}/` })));
}

/** Cold-cache visit of the search page for `query` over the emulated connection. */
async function coldQuery(browser, site, query) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: LATENCY, downloadThroughput: THROUGHPUT, uploadThroughput: THROUGHPUT });
  site.log.length = 0;
  await page.goto(`${site.url}search/index.html?q=${encodeURIComponent(query)}`, { waitUntil: "commit" });
  await page.waitForFunction(() => performance.getEntriesByName("sotay-results").length);
  // The page's own clock: when the results were in the page, and each request's
  // start and end (Resource Timing).
  const timing = await page.evaluate(() => {
    const shown = performance.getEntriesByName("sotay-results")[0].startTime;
    const entries = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")];
    return { shown, entries: entries.map((e) => ({ path: new URL(e.name).pathname, start: e.startTime, end: e.responseEnd })) };
  });
  const ms = Math.round(timing.shown);
  // What was asked for before the results showed (the filter counts load after).
  const before = timing.entries.filter((r) => r.start < timing.shown).sort((a, b) => a.start - b.start);
  const bytes = before.reduce((sum, r) => sum + (site.log.find((l) => l.path === r.path)?.bytes ?? 0), 0);
  // Sequential rounds: a request depends on those that finished before it started
  // (the stylesheet excepted: nothing waits for it).
  for (const r of before) {
    r.depth = 1 + Math.max(0, ...before.filter((q) => q.end <= r.start && !q.path.endsWith(".css")).map((q) => q.depth));
  }
  const rounds = Math.max(...before.map((r) => r.depth));
  const files = before.map((r) => r.path.replace(/^\/search\//, ""));
  const first = await page.locator("#search-results li").first().getAttribute("data-code").catch(() => "—");
  await context.close();
  return { query, kb: bytes / 1024, requests: before.length, rounds, ms, first, files };
}

/** Milliseconds per keystroke once the page and the first shards are loaded. */
async function keystrokes(browser, site) {
  const page = await browser.newPage();
  await page.goto(`${site.url}search/index.html?q=dang`);
  await page.evaluate(() => window.sotaySearchDone);
  let times = await page.evaluate(async ([text, pause]) => {
    const input = document.getElementById("q");
    const out = [];
    for (let i = 5; i <= text.length; i++) {
      const t = performance.now();
      input.value = text.slice(0, i);
      input.dispatchEvent(new Event("input"));
      await window.sotaySearchDone;
      out.push({ ms: performance.now() - t, typed: text.slice(0, i) });
      // A fast typist's pause between keys: files prefetched meanwhile count.
      await new Promise((ok) => setTimeout(ok, pause));
    }
    return out;
  }, ["dang ky khai sinh co yeu to nuoc ngoai", PAUSE]);
  await page.close();
  if (process.env.VERBOSE) console.log("        slowest:", [...times].sort((a, b) => b.ms - a.ms).slice(0, 4).map((t) => `${t.typed}: ${t.ms.toFixed(0)} ms`).join(", "));
  times = times.map((t) => t.ms).sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(times.length * q))];
  return { median: at(0.5), p90: at(0.9), p99: at(0.99), max: times[times.length - 1], n: times.length };
}

const sizes = process.argv.slice(2).map(Number);
const browser = await launch();
for (const n of sizes.length ? sizes : [1000, 10000]) {
  const out = buildSite(makeSite(n));
  const site = await countingServer(out);
  console.log(`\n== ${n} records (latency ${LATENCY} ms, ${THROUGHPUT / 1024} KB/s, gzip -6, cold cache)`);
  console.log("kind   query                                   KB   requests rounds   ms  first result");
  for (const [kind, queries] of [["title", titleQueries], ["body", bodyQueries], ["slip", slipQueries]]) {
    for (const query of queries) {
      const r = await coldQuery(browser, site, query);
      console.log(`${kind.padEnd(6)} ${query.padEnd(36)} ${r.kb.toFixed(1).padStart(7)} ${String(r.requests).padStart(6)} ${String(r.rounds).padStart(6)} ${String(r.ms).padStart(6)}  ${r.first}`);
      if (process.env.VERBOSE) console.log("       ", r.files.join(" "));
    }
  }
  const k = await keystrokes(browser, site);
  console.log(`keystrokes (no throttling, ${PAUSE} ms apart, after the first query): median ${k.median.toFixed(1)} ms, p90 ${k.p90.toFixed(1)} ms, p99 ${k.p99.toFixed(1)} ms, max ${k.max.toFixed(1)} ms over ${k.n}`);
  site.server.close();
}
await browser.close();
console.log("\nPagefind 1.6 on 10,000 Vietnamese procedure pages (from the issue): 285–372 KB before the first results.");
