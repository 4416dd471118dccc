// `npm run fuzz -- --runs N [--seed S]`: the API fuzz test (test/fuzz/api-fuzz.test.ts) with
// more requests than CI's 2,000, or another seed. Prints the test's JSON summary line.
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "2000" }, seed: { type: "string" } },
});
const env = { ...process.env, FUZZ_RUNS: values.runs };
if (values.seed) env.FUZZ_SEED = values.seed;
const run = spawnSync("npx", ["vitest", "run", "--project", "app", "test/fuzz/api-fuzz.test.ts"], {
  stdio: "inherit",
  env,
});
process.exit(run.status ?? 1);
