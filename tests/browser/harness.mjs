// Shared set-up for the browser tests: build a site with the sotay binary, serve it
// from a subfolder on 127.0.0.1, and drive Debian's Chromium.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve, sep } from "node:path";
import { chromium } from "playwright-core";

export const repo = resolve(import.meta.dirname, "../..");

const made = [];
// Each test file runs in its own process: what it made goes with it (a site of real
// records is hundreds of megabytes, and CI machines fill up).
process.on("exit", () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A new temporary folder named `prefix`…, removed when the test process ends. */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Builds the site at `root` into a fresh temporary folder and returns its path. */
export function buildSite(root = repo) {
  const bin = process.env.SOTAY_BIN ?? join(repo, "target/release/sotay");
  const out = join(tempDir("sotay-browser-"), "public");
  // Real records warn a lot: room for all of it on stderr.
  const run = spawnSync(bin, ["--root", root, "build", "--output", out], { encoding: "utf8", maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`sotay build failed:\n${run.stderr}`);
  return out;
}

const types = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".webmanifest": "application/manifest+json",
};

/**
 * Serves `dir` under `prefix` (e.g. "/so-tay/") on 127.0.0.1, the way a municipality
 * hosts the handbook in a subfolder. Returns { url, close }.
 */
export async function serve(dir, prefix = "/") {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = null;
    if (path.startsWith(prefix)) {
      const candidate = normalize(join(dir, path.slice(prefix.length)));
      if (candidate === dir || candidate.startsWith(dir + sep)) file = candidate;
    }
    try {
      if (file && statSync(file).isDirectory()) file = join(file, "index.html");
      const body = readFileSync(file);
      res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/html; charset=utf-8" });
      res.end(readFileSync(join(dir, "404.html")));
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}${prefix}`, close: () => new Promise((ok) => server.close(ok)) };
}

/** Headless Debian Chromium, with the flags this closed network needs. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Runs axe-core on the open page and returns its violations. */
export async function axeViolations(page) {
  const axe = readFileSync(join(repo, "tests/browser/node_modules/axe-core/axe.min.js"), "utf8");
  await page.addScriptTag({ content: axe });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    return await axe.run(document, { resultTypes: ["violations"] });
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " — " + n.failureSummary),
  }));
}
