// LeadBridge operations dashboard: fills the server-rendered page from the REST API.
// The API key lives in sessionStorage (this tab only) and is sent as a bearer header; it never
// goes into a URL or a cookie. Every value from the API is written with textContent, never as
// HTML.

const KEY_STORAGE = "leadbridge.api_key";
const API = "/api/v1";
/** While a job is running its progress is polled this often; otherwise less often. */
const BUSY_POLL_MS = 2000;
const IDLE_POLL_MS = 15000;

const $ = (selector) => document.querySelector(selector);

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = String(v);
    else node.setAttribute(k, String(v));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const number = (n) => (n === null || n === undefined ? "–" : Number(n).toLocaleString("en"));
const percent = (r) => (r === null || r === undefined ? "–" : `${(r * 100).toFixed(1)} %`);
const when = (iso) => (iso ? new Date(iso).toLocaleString() : "–");

class SignedOut extends Error {}

async function api(path, init = {}) {
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (!key) throw new SignedOut("not signed in");
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${key}`);
  const res = await fetch(`${API}${path}`, { ...init, headers });
  const type = res.headers.get("Content-Type") || "";
  const body = type.includes("json") ? await res.json() : null;
  if (res.status === 401) {
    signOut("The API key was refused (unknown or revoked).");
    throw new SignedOut("refused");
  }
  return { status: res.status, body };
}

function replace(container, ...children) {
  container.replaceChildren(...children);
}

function setStat(name, value) {
  const node = document.querySelector(`[data-stat="${name}"]`);
  if (node) node.textContent = value;
}

// ---- filters -------------------------------------------------------------------------------

function periodQuery() {
  const params = new URLSearchParams();
  const days = $("#period").value;
  if (days) {
    params.set("start_date", new Date(Date.now() - Number(days) * 86400000).toISOString());
  }
  const source = $("#source").value;
  if (source) params.set("source", source);
  const q = params.toString();
  return q ? `?${q}` : "";
}

// ---- sections ------------------------------------------------------------------------------

function renderFunnel(funnel) {
  const steps = ["leads", "prospects", "opportunities", "won"];
  steps.forEach((step, i) => {
    document.querySelector(`[data-funnel="${step}"]`).textContent = number(funnel[step]);
    const prev = i === 0 ? null : funnel[steps[i - 1]];
    document.querySelector(`[data-funnel-rate="${step}"]`).textContent = prev
      ? `${((funnel[step] / prev) * 100).toFixed(0)} % of ${steps[i - 1]}`
      : "";
  });
}

function renderImports(a) {
  setStat("leads_imported", number(a.totals.leads_imported));
  setStat("duplicates_prevented", number(a.duplicates_prevented));
  setStat("suppressed", number(a.suppressed));
  setStat("failed", number(a.outcomes.failed));
  // As the API defines it per source: written over attempted; suppressions count as neither.
  const o = a.outcomes;
  const written = o.created + o.updated + o.preserved + o.merged;
  const attempted = written + o.rejected + o.failed;
  setStat("success_rate", attempted === 0 ? "–" : percent(written / attempted));
  const h = a.halopsa;
  setStat(
    "calls_saved",
    h.calls_saved === null
      ? "–"
      : `${number(h.calls_saved)} (${number(h.calls)} of ${number(h.baseline_calls)})`,
  );
}

function renderTimeline(timeline) {
  const chart = $("#timeline-chart");
  if (timeline.points.length === 0) {
    replace(chart, el("p", { class: "muted", text: "No imports in this period." }));
    return;
  }
  const buckets = new Map();
  const sources = new Set();
  for (const p of timeline.points) {
    const row = buckets.get(p.start) || {};
    row[p.source] = (row[p.source] || 0) + p.leads + p.duplicates_prevented;
    buckets.set(p.start, row);
    sources.add(p.source);
  }
  const totals = [...buckets.values()].map((r) => Object.values(r).reduce((x, y) => x + y, 0));
  const max = Math.max(1, ...totals);
  const legend = el(
    "div",
    { class: "legend" },
    ...[...sources].map((s) => el("span", {}, el("span", { class: `swatch src-${s}` }), s)),
    el("span", {
      class: "muted",
      text: `records written (new + matched) per ${timeline.granularity}`,
    }),
  );
  const rows = [...buckets].map(([start, row], i) => {
    const bars = el("div", { class: "bars" });
    for (const [source, n] of Object.entries(row)) {
      const bar = el("span", { class: `bar src-${source}`, title: `${source}: ${n}` });
      // CSSOM, not a style attribute: allowed by the page's CSP.
      bar.style.width = `${(n / max) * 100}%`;
      bars.append(bar);
    }
    const label =
      timeline.granularity === "hour" ? `${start.slice(5, 10)} ${start.slice(11)}:00` : start;
    return el(
      "div",
      { class: "row" },
      el("span", { text: label }),
      bars,
      el("span", { text: number(totals[i]) }),
    );
  });
  replace(chart, legend, ...rows);
}

function renderPerformance(p) {
  const w = p.halopsa.window;
  const meter = $("#window-meter");
  if (w?.budget) {
    meter.max = w.budget;
    meter.value = Math.min(w.used, w.budget);
    meter.high = w.budget * 0.8;
    $("#window-text").textContent =
      `${w.used} of ${w.budget} requests used in the rolling ${w.window_seconds} s window` +
      (w.budget !== w.limit ? ` (limit ${w.limit}, lowered after a 429)` : "") +
      (w.cooldown_until ? `; cooling down until ${when(w.cooldown_until)}` : "");
  } else {
    $("#window-text").textContent = "HaloGate has not been used yet.";
  }
  setStat("halo_calls", number(p.halopsa.calls));
  setStat("halo_429", number(p.halopsa.responses_429));
  setStat("p95", number(p.response_times.p95));
  setStat("rpm", number(p.throughput.requests_per_minute));
}

function renderJobs(jobs) {
  const list = $("#jobs-list");
  if (jobs.length === 0) {
    replace(list, el("p", { class: "muted", text: "No jobs yet." }));
    return;
  }
  const head = el(
    "tr",
    {},
    ...["Job", "Source", "Status", "Progress", "Written", "Failed", "Rejected", "Started"].map(
      (h) => el("th", { text: h }),
    ),
  );
  const rows = jobs.map((j) =>
    el(
      "tr",
      { "data-job": j.job_id },
      el("td", {}, el("code", { text: j.job_id }), el("div", { class: "muted", text: j.kind })),
      el("td", { text: j.source }),
      el("td", {}, el("span", { class: `badge ${j.status}`, text: j.status.replaceAll("_", " ") })),
      el(
        "td",
        {},
        el("progress", { max: Math.max(1, j.total), value: j.processed }),
        el("div", { class: "muted", text: `${number(j.processed)} / ${number(j.total)}` }),
      ),
      el("td", { text: number(j.successful) }),
      el("td", { text: number(j.failed), title: j.last_error || undefined }),
      el("td", { text: number(j.rejected) }),
      el("td", { text: when(j.created_at) }),
    ),
  );
  replace(
    list,
    el(
      "div",
      { class: "scroll" },
      el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows)),
    ),
  );
}

function renderProviders(searches, credits) {
  const list = $("#providers-list");
  const creditLine = el(
    "p",
    { class: "muted" },
    "Credits today: ",
    Object.entries(credits || {})
      .map(([p, c]) =>
        c.configured
          ? `${p} ${number(c.credits_spent_today)}${c.daily_credit_budget === null ? "" : ` / ${number(c.daily_credit_budget)}`}`
          : `${p} not configured`,
      )
      .join(" · ") || "–",
  );
  if (searches.length === 0) {
    replace(list, creditLine, el("p", { class: "muted", text: "No saved searches." }));
    return;
  }
  const rows = searches.map((s) => {
    const cp = s.checkpoint;
    const where = cp
      ? cp.done
        ? `done after ${cp.pages_read} pages`
        : `page ${cp.position.page}, ${cp.pages_read} read`
      : "not started";
    return el(
      "tr",
      {},
      el(
        "td",
        {},
        el("strong", { text: s.provider }),
        el("div", { class: "muted", text: s.search_id }),
      ),
      el("td", {}, el("span", { class: `badge ${s.status}`, text: s.status.replaceAll("_", " ") })),
      el("td", { text: where }),
      el("td", { text: number(s.imported) }),
      el("td", { text: when(s.last_run_at), title: s.last_error || undefined }),
    );
  });
  const head = el(
    "tr",
    {},
    ...["Search", "Status", "Checkpoint", "Imported", "Last run"].map((h) => el("th", { text: h })),
  );
  replace(
    list,
    creditLine,
    el(
      "div",
      { class: "scroll" },
      el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows)),
    ),
  );
}

function renderErrors(res) {
  const list = $("#errors-list");
  if (res.status === 403) {
    // The error log holds operators' detail: GET /api/v1/errors is for admin keys only.
    replace(
      list,
      el("p", { class: "muted", text: "The error log needs a key with the admin scope." }),
    );
    return;
  }
  if (res.status !== 200) {
    replace(
      list,
      el("p", { class: "error", text: `Could not read the error log (HTTP ${res.status}).` }),
    );
    return;
  }
  const errors = res.body.errors || [];
  if (errors.length === 0) {
    replace(list, el("p", { class: "muted", text: "No errors." }));
    return;
  }
  const rows = errors.map((e) =>
    el(
      "tr",
      {},
      el("td", { text: when(e.timestamp) }),
      el("td", {}, el("span", { class: `badge ${e.level}`, text: e.level })),
      el("td", { text: e.source || "–" }),
      el("td", { text: e.message }),
      el("td", {}, el("code", { text: e.details?.error_code ? e.details.error_code : "" })),
    ),
  );
  const head = el(
    "tr",
    {},
    ...["When", "Level", "Source", "Message", "Code"].map((h) => el("th", { text: h })),
  );
  replace(
    list,
    el(
      "div",
      { class: "scroll" },
      el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows)),
    ),
  );
}

// ---- refresh loops -------------------------------------------------------------------------

let jobsTimer = null;

async function refreshJobs() {
  clearTimeout(jobsTimer);
  try {
    const res = await api("/sync/jobs?limit=10");
    if (res.status === 200) {
      renderJobs(res.body.jobs);
      const busy = res.body.jobs.some((j) => j.status === "queued" || j.status === "running");
      jobsTimer = setTimeout(refreshJobs, busy ? BUSY_POLL_MS : IDLE_POLL_MS);
      return busy;
    }
  } catch (err) {
    if (err instanceof SignedOut) return false;
  }
  jobsTimer = setTimeout(refreshJobs, IDLE_POLL_MS);
  return false;
}

async function refreshAll() {
  try {
    const [sync, perf, providers, errors] = await Promise.all([
      api(`/analytics/sync${periodQuery()}`),
      api("/analytics/performance"),
      api("/sync/providers"),
      api("/errors?limit=20"),
    ]);
    if (sync.status === 200) {
      renderFunnel(sync.body.funnel);
      renderImports(sync.body);
      renderTimeline(sync.body.timeline);
    }
    if (perf.status === 200) renderPerformance(perf.body);
    if (providers.status === 200) {
      renderProviders(providers.body.searches, sync.status === 200 ? sync.body.providers : {});
    }
    renderErrors(errors);
    $("#updated").textContent = `Updated ${new Date().toLocaleTimeString()}`;
    document.body.dataset.loaded = "true";
  } catch (err) {
    if (!(err instanceof SignedOut))
      $("#updated").textContent = `Could not refresh: ${err.message}`;
  }
}

let allTimer = null;

function show(signedIn) {
  $("#sign-in").hidden = signedIn;
  $("#board").hidden = !signedIn;
  $("#session").hidden = !signedIn;
  clearInterval(allTimer);
  clearTimeout(jobsTimer);
  if (signedIn) {
    const key = sessionStorage.getItem(KEY_STORAGE) || "";
    $("#session-key").textContent = `key ${key.slice(0, 10)}…`;
    refreshAll();
    refreshJobs();
    allTimer = setInterval(refreshAll, 30000);
  }
}

function signOut(message) {
  sessionStorage.removeItem(KEY_STORAGE);
  delete document.body.dataset.loaded;
  show(false);
  const error = $("#sign-in-error");
  error.hidden = !message;
  error.textContent = message || "";
}

// ---- forms ---------------------------------------------------------------------------------

$("#sign-in-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("#api-key");
  const key = input.value.trim();
  input.value = "";
  sessionStorage.setItem(KEY_STORAGE, key);
  try {
    const res = await api("/analytics/sync");
    if (res.status === 403) {
      signOut("This key lacks the read scope.");
      return;
    }
    $("#sign-in-error").hidden = true;
    show(true);
  } catch (err) {
    if (!(err instanceof SignedOut)) signOut(`Could not reach the service: ${err.message}`);
  }
});

$("#sign-out").addEventListener("click", () => signOut(""));
$("#period").addEventListener("change", refreshAll);
$("#source").addEventListener("change", refreshAll);

$("#upload-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const file = $("#upload-file").files[0];
  const out = $("#upload-result");
  if (!file) return;
  out.className = "muted";
  out.textContent = `Uploading ${file.name}…`;
  try {
    const source = encodeURIComponent($("#upload-source").value);
    const res = await api(`/sync/leads/bulk?source=${source}`, {
      method: "POST",
      headers: { "Content-Type": "text/csv", "Idempotency-Key": crypto.randomUUID() },
      body: file,
    });
    if (res.status === 202) {
      out.className = "";
      out.textContent = `Accepted: job ${res.body.job_id}, ${res.body.total} rows.`;
      $("#upload-form").reset();
      refreshJobs();
    } else {
      const e = res.body?.error;
      out.className = "error";
      out.textContent = e ? `${e.code}: ${e.message}` : `Upload failed (HTTP ${res.status}).`;
    }
  } catch (err) {
    if (!(err instanceof SignedOut)) {
      out.className = "error";
      out.textContent = `Upload failed: ${err.message}`;
    }
  }
});

show(Boolean(sessionStorage.getItem(KEY_STORAGE)));
