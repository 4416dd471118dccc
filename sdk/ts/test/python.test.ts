import { spawn } from "node:child_process";
import path from "node:path";
import { expect, inject, it } from "vitest";

const stack = inject("stack");
const PYTHON_SDK = path.resolve(import.meta.dirname, "../../python");

/** The Python SDK's own unittest suite (standard library only), against this run's stack. */
it("passes the Python SDK's unittest suite against the running service", async () => {
  const result = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn("python3", ["-m", "unittest", "discover", "-s", "tests", "-t", ".", "-v"], {
      cwd: PYTHON_SDK,
      env: {
        ...process.env,
        LEADBRIDGE_URL: stack.api,
        LEADBRIDGE_API_KEY: stack.key,
        PYTHONDONTWRITEBYTECODE: "1",
      },
    });
    let output = "";
    child.stdout.on("data", (d) => {
      output += String(d);
    });
    child.stderr.on("data", (d) => {
      output += String(d);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
  expect(result.output).toMatch(/^OK$/m);
  expect(result.output).toMatch(/Ran 1[0-9] tests/);
  expect(result.code, result.output).toBe(0);
});
