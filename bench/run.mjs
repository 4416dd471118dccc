#!/usr/bin/env node
// `npm run bench [-- --faults] [-- --leads N] [-- --webhooks N]`: imports a generated dataset through the real
// stack (service + HaloPSA sandbox, scaled rate-limit window) and prints one JSON line of
// measurements. Calls are counted by the sandbox, not estimated.
import { runBaseline } from "./baseline.mjs";
import { makeDataset } from "./dataset.mjs";
import { startStack } from "./stack.mjs";

const args = process.argv.slice(2);
const faults = args.includes("--faults");
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const LEADS = arg("--leads", 2400);
const SAMPLE = arg("--sample", 240);
// Webhook endpoints subscribed to every event (the sandbox's echo receiver) during the import.
const WEBHOOKS = arg("--webhooks", 0);
// A scaled window: HaloPSA's 500 per 3 minutes becomes 50 per 2 seconds, same logic, so the
// benchmark runs in a minute or two while still being throttle-bound.
const WINDOW = { requests: 50, window_seconds: 2 };
const TENANT = `bench-${Date.now().toString(36)}`;

const log = (...m) => process.stderr.write(`${m.join(" ")}\n`);

const stack = await startStack({ tenant: TENANT });
const auth = { authorization: `Bearer ${stack.key}`, "content-type": "application/json" };
const call = async (method, path, body) => {
  const res = await fetch(`${stack.api}${path}`, {
    method,
    headers: auth,
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
};
const tenantUrl = `${stack.sandboxUrl}/t/${TENANT}`;
const knobs = async (k) => {
  const res = await fetch(`${tenantUrl}/_sandbox/knobs`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(k),
  });
  if (!res.ok) throw new Error(`knobs: ${res.status} ${await res.text()}`);
};
const sandboxStats = async () => (await fetch(`${tenantUrl}/_sandbox/stats`)).json();

try {
  const data = makeDataset({ leads: LEADS });
  await knobs({ rate_limit: WINDOW.requests, rate_window_seconds: WINDOW.window_seconds });
  await call("PUT", "/config", { halopsa: { rate_limit: WINDOW } });
  const echoUrls = [];
  for (let i = 0; i < WEBHOOKS; i++) {
    const url = `${stack.sandboxUrl}/t/${TENANT}-echo${i}/_sandbox/echo`;
    await call("POST", "/webhooks", { url, events: ["*"] });
    echoUrls.push(url);
  }
  for (const email of data.suppressed)
    await call("POST", "/suppressions", { kind: "email", value: email, reason: "bench" });
  if (faults) await knobs({ error_rate: 0.2, drop_rate: 0.05, seed: 7, storm_seconds: 4 });

  log(
    `bench: importing ${data.expected.total} leads${faults ? " with faults" : ""} into ${TENANT}`,
  );
  const started = Date.now();
  const jobs = [];
  for (const source of ["apollo", "zoominfo", "hunter"]) {
    const res = await call("POST", "/sync/leads/bulk", { source, leads: data[source] });
    jobs.push(res.job_id);
  }
  const results = [];
  for (const id of jobs) {
    for (;;) {
      const job = await call("GET", `/sync/jobs/${id}`);
      if (job.status === "completed" || job.status === "completed_with_errors") {
        results.push(job);
        break;
      }
      if (Date.now() - started > 20 * 60_000) throw new Error(`job ${id} did not finish`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const elapsedS = (Date.now() - started) / 1000;
  const webhooks = await drainWebhooks(echoUrls, started);
  if (faults) await knobs({ error_rate: 0, drop_rate: 0, storm_requests: 0, storm_until: 0 });
  const stats = await sandboxStats();
  log(`bench: HaloPSA calls by route ${JSON.stringify(stats.requests_by_route)}`);

  const actions = {};
  for (const job of results)
    for (const [a, n] of Object.entries(job.by_action)) actions[a] = (actions[a] ?? 0) + n;
  const total = results.reduce((n, j) => n + j.total, 0);
  const accounted = [
    "created",
    "updated",
    "preserved",
    "merged",
    "rejected",
    "suppressed",
    "failed",
  ].reduce((n, a) => n + (actions[a] ?? 0), 0);

  // Duplicates: HaloPSA users sharing an email, read straight from the sandbox.
  const users = await listAll("Users", "users");
  const emails = users
    .map((u) =>
      String(u.emailaddress ?? "")
        .trim()
        .toLowerCase(),
    )
    .filter(Boolean);
  const duplicateRecords = emails.length - new Set(emails).size;

  // Taken before the bench lists users itself, so it counts only what LeadBridge spent.
  const haloCalls = stats.requests_total;
  const created = actions.created ?? 0;
  const capacity = WINDOW.requests * (elapsedS / WINDOW.window_seconds);

  log(
    `bench: import done in ${elapsedS.toFixed(1)} s; running the per-lead baseline on ${SAMPLE} leads`,
  );
  const baseline = await runBaseline({
    sandboxUrl: stack.sandboxUrl,
    tenant: `${TENANT}-baseline`,
    leads: data.flat.slice(0, SAMPLE),
  });
  const baselinePerLead = baseline.calls / baseline.leads;
  const perLead = created > 0 ? haloCalls / created : null;

  const line = {
    mode: faults ? "faults" : "normal",
    leads: total,
    created,
    merged: (actions.updated ?? 0) + (actions.preserved ?? 0) + (actions.merged ?? 0),
    rejected: actions.rejected ?? 0,
    suppressed: actions.suppressed ?? 0,
    failed: actions.failed ?? 0,
    halo_calls: haloCalls,
    calls_per_lead: perLead === null ? null : round(perLead, 4),
    baseline_calls_per_lead: round(baselinePerLead, 3),
    baseline_sample: baseline.leads,
    improvement: perLead ? round(baselinePerLead / perLead, 1) : null,
    halo_429: stats.rate_limited,
    injected_429: stats.storm_429s,
    injected_500: stats.errors_injected,
    dropped_responses: stats.dropped_responses,
    budget_utilization: round(Math.min(haloCalls, capacity) / capacity, 3),
    window: `${WINDOW.requests}/${WINDOW.window_seconds}s`,
    lost: total - accounted,
    duplicate_records: duplicateRecords,
    elapsed_s: round(elapsedS, 1),
    leads_per_s: round(total / elapsedS, 1),
    webhooks: WEBHOOKS,
    ...webhooks,
  };
  console.log(JSON.stringify(line));
} finally {
  stack.stop();
}

/**
 * Waits until the echo receivers stop receiving (deliveries run on their own queue, after the
 * import), and reports what arrived and when the last one did.
 */
async function drainWebhooks(urls, started) {
  if (urls.length === 0) return {};
  const count = async () => {
    let n = 0;
    for (const url of urls) n += (await (await fetch(`${url}?count_only=true`)).json()).count;
    return n;
  };
  let last = -1;
  let stableSince = Date.now();
  let lastChange = Date.now();
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    const n = await count();
    if (n !== last) {
      last = n;
      stableSince = Date.now();
      lastChange = Date.now();
    }
    if (Date.now() - stableSince > 5_000 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    webhook_deliveries: last,
    webhook_drained_s: round((lastChange - started) / 1000, 1),
  };
}

function round(n, digits) {
  return Math.round(n * 10 ** digits) / 10 ** digits;
}

async function listAll(entity, key) {
  const tokenRes = await fetch(`${tenantUrl}/auth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: "leadbridge-dev",
      client_secret: "sandbox-secret-change-me",
      scope: "all",
    }),
  });
  const { access_token } = await tokenRes.json();
  const out = [];
  for (let page = 1; ; page++) {
    // The scaled window still applies to these reads: pace them.
    await new Promise((r) => setTimeout(r, 60));
    const res = await fetch(
      `${tenantUrl}/api/${entity}?pageinate=true&page_size=100&page_no=${page}`,
      {
        headers: { authorization: `Bearer ${access_token}` },
      },
    );
    if (res.status === 429) {
      page--;
      await new Promise((r) => setTimeout(r, 2000));
      continue;
    }
    const body = await res.json();
    const items = body[key] ?? [];
    out.push(...items);
    if (items.length === 0 || out.length >= body.record_count) return out;
  }
}
