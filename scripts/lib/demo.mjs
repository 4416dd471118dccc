// The main job `npm start` runs once the stack is up, with no credentials: scheduled provider
// syncs against the sandbox's Apollo and ZoomInfo simulators, then a Hunter domain search of the
// companies they found (the same people again, from a third provider, to show de-duplication),
// imported into the HaloPSA sandbox. Running it again resumes from the saved checkpoints.

const DEMO_SEARCHES = {
  apollo: { id: "demo-msp-buyers", filters: { per_page: 25 }, max_pages_per_run: 2 },
  zoominfo: { id: "demo-it-leaders", filters: { rpp: 25 }, max_pages_per_run: 2 },
};

export async function runDemo({ base, key }) {
  const api = async (method, path, body) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json = await res.json();
    if (res.status >= 400)
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.error ?? json)}`);
    return json;
  };

  const config = await api("GET", "/config");
  const providers = {};
  for (const [p, search] of Object.entries(DEMO_SEARCHES)) {
    const saved = config.providers[p].saved_searches;
    if (!saved.some((s) => s.id === search.id))
      providers[p] = { saved_searches: [...saved, search] };
  }
  if (Object.keys(providers).length > 0) await api("PUT", "/config", { providers });

  console.log("Demo: running the Apollo and ZoomInfo saved searches against the sandbox…");
  const jobs = [];
  for (const p of Object.keys(DEMO_SEARCHES)) {
    const { runs } = await api("POST", `/sync/providers/${p}/run`, {
      search_id: DEMO_SEARCHES[p].id,
    });
    for (const r of runs) {
      console.log(
        `  ${p}/${r.search_id}: ${r.outcome}, ${r.pages_read} pages, ${r.records_found} found, ` +
          `${r.skipped_known} already known, ${r.skipped_suppressed} suppressed, ${r.credits_spent} credits`,
      );
      jobs.push(...r.job_ids);
    }
  }
  const totals = await waitForJobs(api, jobs);

  // Hunter: search the domains of the companies just imported, so the same people arrive from a
  // third provider and merge into the leads that already exist instead of duplicating them.
  const { leads } = await api("GET", "/leads?limit=200");
  const domains = [...new Set(leads.map((l) => l.email?.split("@")[1]).filter(Boolean))].slice(
    0,
    3,
  );
  if (domains.length > 0) {
    const hunter = { id: "demo-known-domains", filters: { domains }, max_pages_per_run: 3 };
    const saved = (await api("GET", "/config")).providers.hunter.saved_searches.filter(
      (s) => s.id !== hunter.id,
    );
    await api("PUT", "/config", { providers: { hunter: { saved_searches: [...saved, hunter] } } });
    const { runs } = await api("POST", "/sync/providers/hunter/run", { search_id: hunter.id });
    for (const r of runs)
      console.log(
        `  hunter/${r.search_id}: ${r.outcome}, ${r.records_found} found on ${domains.join(", ")}`,
      );
    const more = await waitForJobs(
      api,
      runs.flatMap((r) => r.job_ids),
    );
    for (const [a, n] of Object.entries(more)) totals[a] = (totals[a] ?? 0) + n;
  }
  console.log(`Demo: imported into HaloPSA: ${JSON.stringify(totals)}`);
  console.log(
    `  leads: ${base}/api/v1/leads   audit: ${base}/api/v1/audit   lists: ${base}/api/v1/lists`,
  );
}

async function waitForJobs(api, ids) {
  const totals = {};
  for (const id of ids) {
    for (let i = 0; ; i++) {
      const job = await api("GET", `/sync/jobs/${id}`);
      if (job.status === "completed" || job.status === "completed_with_errors") {
        for (const [a, n] of Object.entries(job.by_action)) totals[a] = (totals[a] ?? 0) + n;
        break;
      }
      if (i > 240) throw new Error(`job ${id} is still ${job.status}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return totals;
}
