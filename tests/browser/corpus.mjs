// Sites made of the real records of the national database (../shared/data), for the
// search tests and benchmark: the 864 records as they are, or N records by varying
// copies the way benches/corpus.rs does (code "….C3", title "… (bản 3)").
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repo, tempDir } from "./harness.mjs";

export const sharedRecords = join(repo, "../shared/data/procedures");

/** A new site with a sotay.yaml and an empty procedures folder; the shared record names. */
function emptySite(prefix) {
  const root = tempDir(prefix);
  const procedures = join(root, "content/procedures");
  mkdirSync(procedures, { recursive: true });
  writeFileSync(join(root, "sotay.yaml"), 'title: "Thủ tục hành chính"\norganisation:\n  name: "Kiểm thử"\n');
  const names = readdirSync(sharedRecords).filter((f) => f.endsWith(".md")).sort();
  return { root, procedures, names };
}

/** Writes a site of `n` records (default: the 864 real ones) and returns its root. */
export function makeSite(n) {
  const { root, procedures, names } = emptySite("sotay-corpus-");
  const count = n ?? names.length;
  for (let i = 0; i < count; i++) {
    const name = names[i % names.length];
    const copy = Math.floor(i / names.length);
    const text = readFileSync(join(sharedRecords, name), "utf8");
    if (copy === 0) {
      writeFileSync(join(procedures, name), text);
      continue;
    }
    const varied = text
      .split("\n")
      .map((line) => {
        if (line.startsWith('code: "')) return `code: "${line.slice(7).replace(/"\s*$/, "")}.C${copy}"`;
        if (line.startsWith('title: "')) return `title: "${line.slice(8).replace(/"\s*$/, "")} (bản ${copy})"`;
        return line;
      })
      .join("\n");
    writeFileSync(join(procedures, `copy${copy}-${name}`), varied);
  }
  return root;
}

/** Writes a site of `count` real records spread evenly over the 864, and returns its root. */
export function makeSample(count) {
  const { root, procedures, names } = emptySite("sotay-sample-");
  const step = names.length / count;
  const picked = Array.from({ length: count }, (_, i) => names[Math.floor(i * step)]);
  for (const name of picked) writeFileSync(join(procedures, name), readFileSync(join(sharedRecords, name), "utf8"));
  return { root, names: picked };
}
