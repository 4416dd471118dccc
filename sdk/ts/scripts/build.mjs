// Builds dist/esm (the library and the CLI) and dist/cjs (the library, for require()).
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const SDK = path.resolve(import.meta.dirname, "..");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

rmSync(path.join(SDK, "dist"), { recursive: true, force: true });
for (const project of ["tsconfig.json", "tsconfig.cjs.json"]) {
  const r = spawnSync(process.execPath, [tsc, "-p", path.join(SDK, project)], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
mkdirSync(path.join(SDK, "dist/cjs"), { recursive: true });
writeFileSync(path.join(SDK, "dist/cjs/package.json"), '{ "type": "commonjs" }\n');
