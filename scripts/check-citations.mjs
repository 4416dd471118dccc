#!/usr/bin/env node
// Fails when a `§N` citation in the code does not resolve to a heading of a page in
// docs/reference/, so every "(halopsa-api.md §3.2)" a reader meets can be looked up in the repo.
//
// Which page a citation means:
// 1. the last `<name>.md` written before it on the same line ("providers.md §1.5, §2.5");
// 2. otherwise the one reference page the file names somewhere (a file that cites
//    "halopsa-api.md §3.3" once may say "§3.5" later);
// 3. otherwise it is ambiguous, and fails: write the page name next to it.
// `RFC 9110 §10.2.3` and other RFC sections are not ours and are skipped.
// A section resolves when the page has a heading numbered like it ("### 3.2 Lists…").
//
// Usage: node scripts/check-citations.mjs [dir…]   (default: src sandbox scripts bench test)

import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const referenceDir = path.join(root, "docs", "reference");
const dirs =
  process.argv.length > 2 ? process.argv.slice(2) : ["src", "sandbox", "scripts", "bench", "test"];
const SKIP_DIRS = new Set(["node_modules", ".wrangler", "dist", ".git"]);
const EXTENSIONS = new Set([".ts", ".mts", ".js", ".mjs", ".cjs", ".md", ".jsonc", ".json"]);

/** docs/reference/<name>.md → the section numbers of its headings. */
function referencePages() {
  const pages = new Map();
  for (const file of readdirSync(referenceDir)) {
    // README.md is the index of the pages, not a page that is cited.
    if (!file.endsWith(".md") || file === "README.md") continue;
    const sections = new Set();
    for (const line of readFileSync(path.join(referenceDir, file), "utf8").split("\n")) {
      const m = /^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s/.exec(line);
      if (m) sections.add(m[1]);
    }
    pages.set(file.slice(0, -3), sections);
  }
  return pages;
}

function* walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    if (SKIP_DIRS.has(name)) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* walk(full);
    else if (EXTENSIONS.has(path.extname(name))) yield full;
  }
}

const PAGE_NAME = /([A-Za-z0-9_-]+)\.md\b/g;
const CITATION = /§\s?(\d+(?:\.\d+)*)/g;

export function checkFile(text, pages) {
  const problems = [];
  const named = new Set([...text.matchAll(PAGE_NAME)].map((m) => m[1]).filter((n) => pages.has(n)));
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    for (const m of line.matchAll(CITATION)) {
      const before = line.slice(0, m.index);
      if (/RFC\s*\d+\s*$/i.test(before)) continue;
      const section = m[1];
      const onLine = [...before.matchAll(PAGE_NAME)].map((x) => x[1]).at(-1);
      let page = onLine;
      if (page === undefined) {
        if (named.size !== 1) {
          problems.push({
            line: i + 1,
            message:
              named.size === 0
                ? `§${section}: which document? Name it (e.g. "docs/reference/<page>.md §${section}")`
                : `§${section}: ambiguous, the file names ${[...named].join(", ")}; name the page next to it`,
          });
          continue;
        }
        page = [...named][0];
      }
      const sections = pages.get(page);
      if (sections === undefined) {
        problems.push({
          line: i + 1,
          message: `${page}.md §${section}: no such page in docs/reference/`,
        });
      } else if (!sections.has(section)) {
        problems.push({
          line: i + 1,
          message: `${page}.md §${section}: no heading "${section}" in docs/reference/${page}.md`,
        });
      }
    }
  });
  return problems;
}

const pages = referencePages();
let citations = 0;
const failures = [];
for (const dir of dirs) {
  for (const file of walk(path.join(root, dir))) {
    const text = readFileSync(file, "utf8");
    if (!text.includes("§")) continue;
    citations += [...text.matchAll(CITATION)].length;
    for (const p of checkFile(text, pages))
      failures.push(`${path.relative(root, file)}:${p.line}: ${p.message}`);
  }
}
if (failures.length > 0) {
  console.error(`${failures.length} citation(s) do not resolve to docs/reference/:`);
  for (const f of failures) console.error(`  ${f}`);
  process.exit(1);
}
console.log(
  `citations: ${citations} checked, all resolve to docs/reference/ (${[...pages.keys()].join(", ")})`,
);
