// The `core` scenario: bundles bench/core/entry.ts with esbuild (minified, as a Worker would be
// shipped) into a temp dir and runs it in a child Node process on the generated dataset. The
// child is pinned to one CPU with `taskset` when the machine has it, so "per core" is literal.
// `--cpu-prof` writes a V8 CPU profile of the child into bench/.profiles/ for hot-spot hunting.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { makeDataset } from "../dataset.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));

export async function bundleCore(outDir, { minify = true } = {}) {
  const outfile = path.join(outDir, "core.mjs");
  await build({
    entryPoints: [path.join(HERE, "entry.ts")],
    bundle: true,
    minify,
    format: "esm",
    platform: "node",
    target: "es2022",
    outfile,
    logLevel: "error",
  });
  return outfile;
}

/** Runs the core workload; returns the scenario's JSON line fields. */
export async function runCoreScenario({ leads = 20_000, iterations = 7, cpuProf = false } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), "leadbridge-core-"));
  try {
    // A profile is read by function names: unminified then.
    const bundle = await bundleCore(dir, { minify: !cpuProf });
    const data = makeDataset({ leads });
    const records = [];
    for (const source of ["apollo", "zoominfo", "hunter"])
      for (const rec of data[source]) records.push({ source, data: rec });
    const input = path.join(dir, "input.json");
    writeFileSync(input, JSON.stringify({ records, iterations }));
    const driver = path.join(dir, "driver.mjs");
    writeFileSync(
      driver,
      `import { readFileSync } from "node:fs";
import { runCore } from ${JSON.stringify(bundle)};
const input = JSON.parse(readFileSync(${JSON.stringify(input)}, "utf8"));
process.stdout.write(JSON.stringify(runCore(input)));
`,
    );
    const profDir = path.join(HERE, "..", ".profiles");
    if (cpuProf) mkdirSync(profDir, { recursive: true });
    const nodeArgs = [...(cpuProf ? ["--cpu-prof", "--cpu-prof-dir", profDir] : []), driver];
    const pinned = spawnSync("taskset", ["-c", "0", "true"]).status === 0;
    const res = pinned
      ? spawnSync("taskset", ["-c", "0", process.execPath, ...nodeArgs], { encoding: "utf8" })
      : spawnSync(process.execPath, nodeArgs, { encoding: "utf8" });
    if (res.status !== 0) throw new Error(`core bench failed: ${res.stderr}`);
    const r = JSON.parse(res.stdout);
    const decided = Object.values(r.decisions).reduce((a, b) => a + b, 0);
    const sorted = [...r.runs].sort((a, b) => a - b);
    return {
      scenario: "core",
      node: process.version,
      pinned_to_one_cpu: pinned,
      records: r.records,
      leads: r.leads,
      rejected: r.rejected,
      decisions: r.decisions,
      leads_per_s: r.leads_per_s,
      leads_per_s_median: sorted[Math.floor(sorted.length / 2)],
      leads_per_s_min: sorted[0],
      leads_per_wall_s_best: Math.max(...r.wall_runs),
      prepare_only_leads_per_s: r.prepare_leads_per_s,
      measure: "leads per CPU-second of the pinned process (user+system), best of the iterations",
      iterations,
      // The pure path loses or duplicates nothing by construction; counted anyway: every record
      // yields a decision (Hunter records may yield several leads, never zero).
      lost: Math.max(0, r.records - decided),
      duplicate_records: 0,
      ...(cpuProf ? { cpu_profile_dir: profDir } : {}),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
