// The `bundle` figure: what `wrangler deploy` would upload, built with `--dry-run` into a temp
// dir (no network, no account). Reports wrangler's own "Total Upload … / gzip …" line and the
// sizes computed here (every module in the output, gzip level 9 and the default level 6).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { OFFLINE_ENV, ROOT, WRANGLER } from "../scripts/lib/dev-env.mjs";

export function measureBundle() {
  const dir = mkdtempSync(path.join(tmpdir(), "leadbridge-bundle-"));
  try {
    const res = spawnSync(WRANGLER, ["deploy", "--dry-run", "--outdir", dir], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, ...OFFLINE_ENV, CI: "true" },
    });
    if (res.status !== 0) throw new Error(`wrangler deploy --dry-run: ${res.stderr || res.stdout}`);
    const out = `${res.stdout}\n${res.stderr}`;
    const m = /Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/.exec(out);
    let raw = 0;
    let gz6 = 0;
    let gz9 = 0;
    const modules = [];
    for (const f of walk(dir)) {
      if (!/\.(m?js|cjs|wasm)$/.test(f)) continue;
      const buf = readFileSync(f);
      raw += buf.length;
      gz6 += gzipSync(buf).length;
      gz9 += gzipSync(buf, { level: 9 }).length;
      modules.push(path.relative(dir, f));
    }
    return {
      scenario: "bundle",
      wrangler_total_upload_kib: m ? Number(m[1]) : null,
      wrangler_gzip_kib: m ? Number(m[2]) : null,
      raw_bytes: raw,
      gzip_bytes: gz6,
      gzip9_bytes: gz9,
      modules,
      // Cloudflare's Worker size limits apply to the compressed size: 3 MB on Free, 10 MB paid.
      measure:
        "wrangler deploy --dry-run --outdir <tmp>; gzip of every module (zlib level 6 and 9)",
      ...(existsSync(path.join(ROOT, "scripts/bundle-size.mjs"))
        ? {
            note: "scripts/bundle-size.mjs exists: `node scripts/bundle-size.mjs` is the project's own check",
          }
        : {}),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield p;
  }
}
