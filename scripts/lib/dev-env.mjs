// Local development environment: .dev.vars (git-ignored) holds the secrets wrangler dev hands
// the Worker. The defaults point at the HaloPSA and provider sandbox, so nothing here is a real
// credential.

import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

export const ROOT = new URL("../..", import.meta.url).pathname;
export const DEV_VARS = `${ROOT}.dev.vars`;
export const WRANGLER = `${ROOT}node_modules/.bin/wrangler`;

const SANDBOX_DEFAULTS = {
  HALO_CLIENT_SECRET: "sandbox-secret-change-me",
  APOLLO_API_KEY: "sandbox-apollo-key",
  ZOOMINFO_API_KEY: "sandbox-zoominfo-key",
  HUNTER_API_KEY: "sandbox-hunter-key",
  // The sandbox is plain http on localhost, which the URL guard allows only with this flag.
  ALLOW_LOCAL_HTTP: "true",
};

export function readDevVars() {
  if (!existsSync(DEV_VARS)) return {};
  const vars = {};
  for (const line of readFileSync(DEV_VARS, "utf8").split("\n")) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*"?(.*?)"?\s*$/.exec(line);
    if (m) vars[m[1]] = m[2];
  }
  return vars;
}

export function writeDevVars(vars) {
  const body = Object.entries(vars)
    .map(([k, v]) => `${k}="${v}"`)
    .join("\n");
  writeFileSync(
    DEV_VARS,
    `# Local secrets for wrangler dev (git-ignored). Sandbox values only.\n${body}\n`,
    {
      mode: 0o600,
    },
  );
}

/** Fills in sandbox credentials and a local admin key; returns the vars and what was created. */
export function ensureDevVars() {
  const vars = readDevVars();
  let createdKey = false;
  for (const [k, v] of Object.entries(SANDBOX_DEFAULTS)) vars[k] ??= v;
  // The Basic-auth password HaloPSA's webhook sends (POST /api/v1/webhooks/halopsa): random per
  // checkout, so even a local receiver never runs with a known default.
  vars.HALO_WEBHOOK_PASSWORD ??= randomString(32, ALPHABET);
  if (!vars.LEADBRIDGE_ADMIN_KEY) {
    vars.LEADBRIDGE_ADMIN_KEY = generateKey();
    createdKey = true;
  }
  // Seals webhook signing secrets in D1 (src/security/secret-box.ts); one per machine.
  vars.WEBHOOK_SECRETS_KEY ??= randomBytes(32).toString("base64");
  writeDevVars(vars);
  return { vars, createdKey };
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
function randomString(length, alphabet) {
  let out = "";
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 256 - (256 % alphabet.length) && out.length < length)
        out += alphabet[b % alphabet.length];
    }
  }
  return out;
}

/** Same format as src/auth/api-key.ts: lb_<12-char id>_<40-char secret>. */
export function generateKey() {
  return `lb_${randomString(12, "abcdefghijklmnopqrstuvwxyz0123456789")}_${randomString(40, ALPHABET)}`;
}

export function keyParts(key) {
  const m = /^lb_([a-z0-9]{12})_([A-Za-z0-9]{40})$/.exec(key);
  if (!m) throw new Error("LEADBRIDGE_ADMIN_KEY in .dev.vars is not a LeadBridge key");
  return { id: m[1], secret: m[2], hash: createHash("sha256").update(m[2]).digest("hex") };
}

/**
 * `wrangler dev --var` overrides pointing the service's HaloPSA and provider URLs at a sandbox
 * (wrangler.jsonc's vars assume the default :8788). `haloPath` selects a sandbox tenant
 * (`/t/<name>`); the default tenant answers at the root.
 */
export function sandboxVarArgs(sandboxUrl, { haloPath = "" } = {}) {
  const vars = {
    HALO_BASE_URL: `${sandboxUrl}${haloPath}`,
    APOLLO_BASE_URL: `${sandboxUrl}/apollo`,
    ZOOMINFO_BASE_URL: `${sandboxUrl}/zoominfo`,
    HUNTER_BASE_URL: `${sandboxUrl}/hunter`,
    // Plain http on localhost: the URL guard allows it only with this dev flag.
    ALLOW_LOCAL_HTTP: "true",
  };
  return Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
}

/**
 * Keeps wrangler off the network: no telemetry, no update check (it runs with the banner), and
 * no download of the `Request.cf` sample object (a fixed placeholder is used instead).
 */
export const OFFLINE_ENV = {
  WRANGLER_SEND_METRICS: "false",
  DO_NOT_TRACK: "1",
  WRANGLER_HIDE_BANNER: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

export function wrangler(args, { quiet = false } = {}) {
  const res = spawnSync(WRANGLER, args, {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...OFFLINE_ENV, CI: "true" },
  });
  if (res.status !== 0) {
    throw new Error(`wrangler ${args.join(" ")} failed:\n${res.stdout}\n${res.stderr}`);
  }
  if (!quiet) process.stdout.write(res.stdout);
  return res.stdout;
}

/** Inserts the admin key's hash into the local D1 unless it is already there. */
export function ensureAdminKeyRow(key, { remote = false } = {}) {
  const { id, hash } = keyParts(key);
  const where = remote ? "--remote" : "--local";
  const sql =
    "INSERT OR IGNORE INTO api_keys (id, name, prefix, hash, scopes) VALUES " +
    `('${id}', 'local-admin', '${key.slice(0, 10)}', '${hash}', '["admin"]')`;
  wrangler(["d1", "execute", "leadbridge", where, "--command", sql], { quiet: true });
}
