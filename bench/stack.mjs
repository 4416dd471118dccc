// Starts a throwaway LeadBridge + HaloPSA sandbox pair on free ports with their own state, for
// the benchmark. Nothing here touches `npm start`'s local data.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  generateKey,
  keyParts,
  OFFLINE_ENV,
  ROOT,
  sandboxVarArgs,
  WRANGLER,
} from "../scripts/lib/dev-env.mjs";

export const SANDBOX_SECRET = "sandbox-secret-change-me";

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

function run(args) {
  const res = spawnSync(WRANGLER, args, {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...OFFLINE_ENV, CI: "true" },
  });
  if (res.status !== 0) throw new Error(`wrangler ${args.join(" ")}: ${res.stderr || res.stdout}`);
}

async function waitFor(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

export async function startStack({ tenant, vars = {} }) {
  const state = mkdtempSync(path.join(tmpdir(), "leadbridge-bench-"));
  const [servicePort, sandboxPort] = [await freePort(), await freePort()];
  // Each wrangler dev also opens an inspector port (9229 by default): two would collide.
  const [serviceInspector, sandboxInspector] = [await freePort(), await freePort()];
  const key = generateKey();
  const { id, hash } = keyParts(key);
  const persist = path.join(state, "service");
  run(["d1", "migrations", "apply", "leadbridge", "--local", "--persist-to", persist]);
  run([
    "d1",
    "execute",
    "leadbridge",
    "--local",
    "--persist-to",
    persist,
    "--command",
    // Roomy rate limits: the benchmark and the SDK suites send far more than the seed's defaults.
    `INSERT INTO api_keys (id, name, prefix, hash, scopes, rate_limits) VALUES ('${id}', 'bench', '${key.slice(0, 10)}', '${hash}', '["admin"]', '{"requests_per_hour":10000000,"bulk_imports_per_hour":100000,"concurrent_syncs":100000}')`,
  ]);
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const children = [
    spawn(
      WRANGLER,
      [
        "dev",
        "-c",
        "sandbox/wrangler.jsonc",
        "--ip",
        "127.0.0.1",
        "--port",
        String(sandboxPort),
        "--persist-to",
        path.join(state, "sandbox"),
        "--log-level",
        "error",
        "--inspector-port",
        String(sandboxInspector),
      ],
      {
        cwd: ROOT,
        env: { ...process.env, ...OFFLINE_ENV },
        stdio: ["ignore", "ignore", "inherit"],
      },
    ),
    spawn(
      WRANGLER,
      [
        "dev",
        "--ip",
        "127.0.0.1",
        "--port",
        String(servicePort),
        "--persist-to",
        persist,
        "--log-level",
        "error",
        "--inspector-port",
        String(serviceInspector),
        ...sandboxVarArgs(sandboxUrl, { haloPath: `/t/${tenant}` }),
        "--var",
        `HALO_CLIENT_SECRET:${SANDBOX_SECRET}`,
        "--var",
        `WEBHOOK_SECRETS_KEY:${randomBytes(32).toString("base64")}`,
        // `--webhooks N` subscribes the sandbox's echo receiver, plain http on 127.0.0.1.
        "--var",
        "ALLOW_LOCAL_HTTP:true",
        // Extra Worker variables, e.g. the sandbox's provider keys for a run of the demo.
        ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
      ],
      {
        cwd: ROOT,
        env: { ...process.env, ...OFFLINE_ENV },
        stdio: ["ignore", "ignore", "inherit"],
      },
    ),
  ];
  const stop = () => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
    rmSync(state, { recursive: true, force: true });
  };
  process.on("exit", stop);
  // Interrupted (Ctrl+C, kill): stop the two wrangler processes too, not only on a clean exit.
  for (const signal of ["SIGINT", "SIGTERM"])
    process.once(signal, () => {
      stop();
      process.exit(130);
    });
  await waitFor(`${sandboxUrl}/_sandbox/stats`, 90_000);
  await waitFor(`http://127.0.0.1:${servicePort}/api/v1/health`, 90_000);
  return {
    api: `http://127.0.0.1:${servicePort}/api/v1`,
    sandboxUrl,
    key,
    stop,
    servicePid: children[1].pid,
    sandboxPid: children[0].pid,
  };
}
