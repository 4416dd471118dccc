#!/usr/bin/env node
// `npm run bench [-- --scenario NAME] [-- --leads N] [-- --sample N] [-- --webhooks N]
//   [-- --window R/S] [-- --reimport N] [-- --cpu-prof]`
// Runs one scenario (or `all`, in sequence) and prints one JSON line per scenario on stdout;
// progress goes to stderr. Scenarios are described in bench/README.md:
//   normal       today's dataset through the real stack (the default), with the identical
//                re-import measured at the end (`reimport` in the line)
//   merge-heavy  half the people arrive from two or three providers, as in `npm start`'s demo
//   faults       20% 5xx, 5% lost responses and a 429 storm (`--faults` is an alias)
//   sustained    a window small enough that the import keeps it full for over a minute
//   core         the pure domain path in Node, leads per CPU-second on one core
//   bundle       the Worker bundle's size, raw and gzip
import { measureBundle } from "./bundle.mjs";
import { runCoreScenario } from "./core/run.mjs";
import { runImportScenario } from "./import.mjs";

const args = process.argv.slice(2);
const value = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const num = (name, fallback) => (value(name) === undefined ? fallback : Number(value(name)));

const STACK = ["normal", "merge-heavy", "faults", "sustained"];
const ALL = ["core", "bundle", ...STACK];
let scenario = value("--scenario") ?? (args.includes("--faults") ? "faults" : "normal");
const list = scenario === "all" ? ALL : [scenario];
for (const s of list)
  if (!ALL.includes(s)) {
    process.stderr.write(`unknown scenario "${s}"; one of ${[...ALL, "all"].join(", ")}\n`);
    process.exit(2);
  }

const windowArg = value("--window");
const window = windowArg
  ? (() => {
      const [requests, seconds] = windowArg.split("/").map(Number);
      return { requests, window_seconds: seconds };
    })()
  : undefined;

let failed = false;
for (scenario of list) {
  try {
    let line;
    if (scenario === "core") {
      line = await runCoreScenario({
        leads: num("--leads", 20_000),
        iterations: num("--iterations", 7),
        cpuProf: args.includes("--cpu-prof"),
      });
    } else if (scenario === "bundle") {
      line = measureBundle();
    } else {
      line = await runImportScenario({
        scenario,
        leads: num("--leads", scenario === "merge-heavy" ? 1200 : 2400),
        sample: num("--sample", 240),
        webhooks: num("--webhooks", 0),
        window,
        reimport: num("--reimport", scenario === "normal" ? 200 : 0),
      });
    }
    console.log(JSON.stringify(line));
  } catch (err) {
    failed = true;
    process.stderr.write(`bench[${scenario}] failed: ${err.stack ?? err}\n`);
    if (list.length === 1) break;
  }
}
process.exit(failed ? 1 : 0);
