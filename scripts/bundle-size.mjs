#!/usr/bin/env node
// `npm run check:deploy` (part of `npm test`): builds the production Worker exactly as
// `npm run deploy` would (`wrangler deploy --dry-run --env production`), which needs no network,
// no login and no account id, and fails if the bundle does not build. Prints one JSON line:
// {"bundle":{"bytes":…,"gzip_bytes":…,"gzip_kib":…}}, the size Cloudflare's script limit is
// measured on (gzip). The benchmark can import `productionBundleSize`.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { wrangler } from "./lib/dev-env.mjs";

export function productionBundleSize() {
  const outdir = mkdtempSync(path.join(tmpdir(), "leadbridge-bundle-"));
  try {
    // Throws with wrangler's output when the build fails.
    wrangler(["deploy", "--dry-run", "--env", "production", "--outdir", outdir], { quiet: true });
    const code = readFileSync(path.join(outdir, "index.js"));
    const gzip = gzipSync(code).byteLength;
    return {
      bytes: code.byteLength,
      gzip_bytes: gzip,
      gzip_kib: Math.round((gzip / 1024) * 10) / 10,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    console.log(JSON.stringify({ bundle: productionBundleSize() }));
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
