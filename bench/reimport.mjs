// The identical re-import: `POST /api/v1/sync/leads` with a record LeadBridge has already
// written, unchanged. It must cost no HaloPSA call; measured here are its latency (client side,
// loopback) and the CPU time it costs the local workerd process.
//
// About the CPU figure: workerd does not report per-request CPU time locally, and inside a
// Worker the clocks do not advance while code runs (Spectre mitigation), so `performance.now()`
// around the handler would read I/O waits, not CPU. What is measured instead is the CPU time
// (utime + stime from /proc) of the service's workerd process across the requests, minus its
// idle CPU over an equally long quiet period, divided by the number of requests. It includes
// everything that process does for the request: HTTP parsing, the Worker's JavaScript, and the
// local D1 (SQLite runs inside the same process here; on Cloudflare it is not Worker CPU time).
// So it is an upper bound of the Worker CPU time Cloudflare would bill.
import { readdirSync, readFileSync } from "node:fs";
import { diffRoutes, round } from "./import.mjs";

const WARMUP = 10;

export async function measureReimport({ api, stack, sandbox, waves, count }) {
  const workerd = workerdPids(stack.servicePid);
  const before = await sandbox.stats();
  // The set is the first 50 records per provider that the import accepted. The dataset puts
  // invalid records (which the import rejected, and a re-import would too, with a 400) at
  // positions that depend on its size, so they are found by sending each candidate once: a
  // record already written answers as a re-import, which also warms the Worker up.
  const records = [];
  for (const source of ["apollo", "zoominfo", "hunter"]) {
    let kept = 0;
    for (const data of waves[0][source]) {
      if (kept === 50) break;
      const r = { source, data };
      try {
        await api("POST", "/sync/leads", r);
      } catch (e) {
        if (String(e.message).includes(" 400 ")) continue;
        throw e;
      }
      records.push(r);
      kept++;
    }
  }
  const send = async (i) => {
    const r = records[i % records.length];
    const t = performance.now();
    const res = await api("POST", "/sync/leads", r);
    return { ms: performance.now() - t, action: res.action };
  };
  for (let i = 0; i < WARMUP; i++) await send(i);

  const quietMs = 2000;
  const idle0 = cpuTicks(workerd);
  await new Promise((r) => setTimeout(r, quietMs));
  const idlePerMs = (cpuTicks(workerd) - idle0) / quietMs;

  const latencies = [];
  const actions = {};
  const cpu0 = cpuTicks(workerd);
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const { ms, action } = await send(WARMUP + i);
    latencies.push(ms);
    actions[action] = (actions[action] ?? 0) + 1;
  }
  const spanMs = performance.now() - t0;
  const busyTicks = cpuTicks(workerd) - cpu0 - idlePerMs * spanMs;
  const after = await sandbox.stats();
  latencies.sort((a, b) => a - b);
  const pct = (p) =>
    round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))], 1);
  const tickMs = 1000 / clockTicksPerSecond();
  return {
    requests: count,
    actions,
    p50_ms: pct(0.5),
    p99_ms: pct(0.99),
    halo_calls: after.requests_total - before.requests_total,
    calls_by_route: diffRoutes(before.requests_by_route, after.requests_by_route),
    workerd_cpu_ms_per_request:
      workerd.length > 0 ? round((Math.max(0, busyTicks) * tickMs) / count, 2) : null,
    cpu_measure:
      "service workerd process utime+stime (/proc) minus idle, per request; includes local D1",
  };
}

/** The workerd processes under the service's wrangler (it spawns one for the Worker). */
export function workerdPids(rootPid) {
  if (!rootPid) return [];
  const children = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(name));
    } catch {}
  }
  const out = [];
  const walk = (pid) => {
    for (const c of children.get(pid) ?? []) {
      try {
        if (readFileSync(`/proc/${c}/cmdline`, "utf8").includes("workerd")) out.push(c);
      } catch {}
      walk(c);
    }
  };
  walk(rootPid);
  return out;
}

/** utime + stime of the processes, in clock ticks (1/100 s). */
export function cpuTicks(pids) {
  let n = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      n += Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15 of stat)
    } catch {}
  }
  return n;
}

function clockTicksPerSecond() {
  // USER_HZ is 100 on every Linux this runs on; getconf is not worth a child process.
  return 100;
}
