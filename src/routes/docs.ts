import { html, raw } from "hono/html";

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
}

type PathItem = Partial<Record<(typeof METHODS)[number], Operation>>;

export interface OpenApiLike {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, PathItem>;
}

/**
 * A readable API reference rendered on the server from the same OpenAPI document the routes
 * are validated with. No script or stylesheet from a CDN: the page works offline and leaks no
 * visit to a third party.
 */
export function renderDocs(doc: OpenApiLike) {
  const byTag = new Map<string, { method: string; path: string; op: Operation }[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? "Other";
      const list = byTag.get(tag) ?? [];
      list.push({ method, path, op });
      byTag.set(tag, list);
    }
  }
  const sections = [...byTag.entries()].map(
    ([tag, ops]) => html`<section>
      <h2 id="${tag}">${tag}</h2>
      ${ops.map(
        ({ method, path, op }) => html`<article>
          <h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${path}</code>
          ${op.security && op.security.length > 0 ? html`<span class="lock">API key</span>` : ""}</h3>
          <p>${op.summary ?? ""}</p>
          ${op.description ? html`<p class="d">${op.description}</p>` : ""}
        </article>`,
      )}
    </section>`,
  );
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${doc.info.title} API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${raw(STYLE)}</style></head>
<body><header><h1>${doc.info.title} <small>v${doc.info.version}</small></h1>
<p>${doc.info.description ?? ""}</p>
<p>Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).
Authenticate with <code>Authorization: Bearer &lt;api key&gt;</code>.</p></header>
<nav>${[...byTag.keys()].map((t) => html`<a href="#${t}">${t}</a> `)}</nav>
<main>${sections}</main></body></html>`;
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:0 auto;padding:1rem;color:#1d232a}
h1 small{font-weight:400;color:#667}nav a{margin-right:.8rem}article{border-top:1px solid #e3e6ea;padding:.4rem 0}
h3{font-size:1rem;margin:.4rem 0}.m{display:inline-block;min-width:4.2rem;padding:0 .3rem;border-radius:3px;color:#fff;font-size:.8rem;text-align:center}
.get{background:#2b7a4b}.post{background:#1f5fa8}.put{background:#a86b1f}.patch{background:#7a4ba8}.delete{background:#a8321f}
.lock{font-size:.75rem;color:#667;border:1px solid #ccd;border-radius:3px;padding:0 .3rem;margin-left:.4rem}.d{color:#445}`;
