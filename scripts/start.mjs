#!/usr/bin/env node
// `npm start`: one command from a fresh clone to a running LeadBridge against the local
// HaloPSA sandbox. Applies D1 migrations, makes sure a local admin key exists, starts the
// sandbox (:8788, or SANDBOX_PORT) and the service (:8787, or PORT) with its HaloPSA and provider
// URLs pointed at that sandbox, waits for /health, then runs the demo import.
import { spawn } from "node:child_process";
import { runDemo } from "./lib/demo.mjs";
import {
  ensureAdminKeyRow,
  ensureDevVars,
  OFFLINE_ENV,
  ROOT,
  sandboxVarArgs,
  WRANGLER,
  wrangler,
} from "./lib/dev-env.mjs";

const SERVICE_PORT = Number(process.env.PORT ?? 8787);
const SANDBOX_PORT = Number(process.env.SANDBOX_PORT ?? 8788);
const children = [];

function start(name, args, cwd = ROOT) {
  const child = spawn(WRANGLER, args, {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...OFFLINE_ENV },
  });
  const prefix = (line) => `[${name}] ${line}`;
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding("utf8");
    stream.on("data", (chunk) => {
      for (const line of chunk.split("\n")) if (line.trim()) console.log(prefix(line));
    });
  }
  child.on("exit", (code) => {
    console.log(prefix(`exited with ${code}`));
    shutdown(code ?? 1);
  });
  children.push(child);
  return child;
}

function shutdown(code) {
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
  process.exit(code);
}
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

async function waitFor(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return res;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err.message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer in ${timeoutMs} ms (${last})`);
}

const { vars, createdKey } = ensureDevVars();
console.log("Applying local D1 migrations…");
wrangler(["d1", "migrations", "apply", "leadbridge", "--local"], { quiet: true });
ensureAdminKeyRow(vars.LEADBRIDGE_ADMIN_KEY);

// One at a time: two wrangler dev processes starting at once can race for the same local
// socket ("Address already in use"). Each also opens a devtools inspector port: distinct ones.
const base = `http://localhost:${SERVICE_PORT}`;
// From its own folder: wrangler dev compares ./worker-configuration.d.ts with the config it
// runs, and from the root that is the service's file (a false "types out of date").
start(
  "sandbox",
  [
    "dev",
    "--port",
    String(SANDBOX_PORT),
    "--ip",
    "127.0.0.1",
    "--inspector-port",
    String(SANDBOX_PORT + 1000),
  ],
  `${ROOT}sandbox`,
);
await waitFor(`http://localhost:${SANDBOX_PORT}/_sandbox/stats`, 90_000);
start("service", [
  "dev",
  "--port",
  String(SERVICE_PORT),
  "--ip",
  "127.0.0.1",
  "--inspector-port",
  String(SERVICE_PORT + 1000),
  ...sandboxVarArgs(`http://localhost:${SANDBOX_PORT}`),
]);
const health = await (await waitFor(`${base}/api/v1/health`, 90_000)).json();

console.log(`
LeadBridge is running.
  API        ${base}/api/v1        (reference: ${base}/api/v1/docs)
  Health     ${health.status}: ${JSON.stringify(health.services)}
  HaloPSA    sandbox at http://localhost:${SANDBOX_PORT} (client id leadbridge-dev)
  Admin key  ${vars.LEADBRIDGE_ADMIN_KEY}${createdKey ? "   (new; kept in .dev.vars)" : "   (from .dev.vars)"}

Try: curl -H "Authorization: Bearer ${vars.LEADBRIDGE_ADMIN_KEY}" ${base}/api/v1/config
`);

await runDemo({
  base,
  key: vars.LEADBRIDGE_ADMIN_KEY,
  sandbox: `http://localhost:${SANDBOX_PORT}`,
});
console.log("Press Ctrl+C to stop.");
