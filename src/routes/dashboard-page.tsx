import type { Child } from "hono/jsx";

const SOURCES = ["apollo", "zoominfo", "hunter", "generic"] as const;

function Card(props: { id: string; title: string; wide?: boolean; children?: Child }) {
  return (
    <section
      id={props.id}
      class={props.wide ? "card wide" : "card"}
      aria-labelledby={`${props.id}-h`}
    >
      <h2 id={`${props.id}-h`}>{props.title}</h2>
      {props.children}
    </section>
  );
}

function Stat(props: { name: string; label: string }) {
  return (
    <div class="stat">
      <span class="value" data-stat={props.name}>
        –
      </span>
      <span class="label">{props.label}</span>
    </div>
  );
}

const FUNNEL = [
  ["leads", "Leads"],
  ["prospects", "Prospects"],
  ["opportunities", "Opportunities"],
  ["won", "Won"],
] as const;

/**
 * The operators' dashboard, rendered on the server: the layout and empty states are here, the
 * numbers are filled in by /dashboard/app.js with the signed-in key. The page itself carries no
 * data, so it needs no key to load.
 */
export function DashboardPage(props: { version: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>LeadBridge — operations</title>
        <link rel="stylesheet" href="/dashboard/dashboard.css" />
        <script src="/dashboard/app.js" defer />
      </head>
      <body>
        <header class="top">
          <h1>LeadBridge</h1>
          <span class="muted">operations · v{props.version}</span>
          <div id="session" hidden>
            <span id="session-key" class="muted" />
            <button type="button" id="sign-out">
              Sign out
            </button>
          </div>
        </header>

        <main>
          <section id="sign-in" class="card narrow" aria-labelledby="sign-in-h">
            <h2 id="sign-in-h">Sign in</h2>
            <p class="muted">
              Paste an API key with the <code>read</code> scope (<code>write</code> to upload). It
              stays in this browser tab's session storage and is sent only as a bearer header to
              this service.
            </p>
            <form id="sign-in-form">
              <label for="api-key">API key</label>
              <input id="api-key" name="api-key" type="password" autocomplete="off" required />
              <button type="submit">Sign in</button>
              <p id="sign-in-error" class="error" role="alert" hidden />
            </form>
          </section>

          <div id="board" hidden>
            <form id="filters" class="filters">
              <label>
                Period
                <select id="period">
                  <option value="">Last 30 days</option>
                  <option value="1">Last 24 hours</option>
                  <option value="7">Last 7 days</option>
                  <option value="90">Last 90 days</option>
                </select>
              </label>
              <label>
                Source
                <select id="source">
                  <option value="">All sources</option>
                  {SOURCES.map((s) => (
                    <option value={s}>{s}</option>
                  ))}
                </select>
              </label>
              <span id="updated" class="muted" aria-live="polite" />
            </form>

            <div class="grid">
              <Card id="funnel" title="Funnel" wide>
                <ol class="funnel">
                  {FUNNEL.map(([key, label]) => (
                    <li>
                      <span class="value" data-funnel={key}>
                        –
                      </span>
                      <span class="label">{label}</span>
                      <span class="rate muted" data-funnel-rate={key} />
                    </li>
                  ))}
                </ol>
              </Card>

              <Card id="imports" title="Imports">
                <div class="stats">
                  <Stat name="leads_imported" label="leads imported" />
                  <Stat name="duplicates_prevented" label="duplicates prevented" />
                  <Stat name="suppressed" label="suppressed" />
                  <Stat name="failed" label="failed" />
                  <Stat name="success_rate" label="success rate" />
                  <Stat name="calls_saved" label="HaloPSA calls saved" />
                </div>
              </Card>

              <Card id="halogate" title="HaloPSA window (HaloGate)">
                <meter id="window-meter" min="0" max="1" value="0" />
                <p id="window-text" class="muted">
                  –
                </p>
                <div class="stats">
                  <Stat name="halo_calls" label="calls (24 h)" />
                  <Stat name="halo_429" label="429s (24 h)" />
                  <Stat name="p95" label="API p95 ms" />
                  <Stat name="rpm" label="API requests / min (24 h)" />
                </div>
              </Card>

              <Card id="timeline" title="Imports over time by source" wide>
                <div id="timeline-chart" class="chart">
                  <p class="muted">No imports in this period.</p>
                </div>
              </Card>

              <Card id="jobs" title="Recent jobs" wide>
                <div id="jobs-list">
                  <p class="muted">No jobs yet.</p>
                </div>
              </Card>

              <Card id="providers" title="Provider syncs">
                <div id="providers-list">
                  <p class="muted">No saved searches.</p>
                </div>
              </Card>

              <Card id="upload" title="Bulk CSV upload">
                <form id="upload-form">
                  <label for="upload-source">Source</label>
                  <select id="upload-source">
                    {SOURCES.map((s) => (
                      <option value={s}>{s}</option>
                    ))}
                  </select>
                  <label for="upload-file">CSV file (a provider's export)</label>
                  <input id="upload-file" type="file" accept=".csv,text/csv" required />
                  <button type="submit">Upload</button>
                  <p id="upload-result" role="status" />
                </form>
              </Card>

              <Card id="errors" title="Errors" wide>
                <div id="errors-list">
                  <p class="muted">No errors.</p>
                </div>
              </Card>
            </div>
          </div>
        </main>
      </body>
    </html>
  );
}
