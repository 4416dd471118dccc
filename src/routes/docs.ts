import { html } from "hono/html";

/** Where `scripts/vendor-assets.mjs` puts Scalar's standalone bundle (served by ASSETS). */
export const SCALAR_SCRIPT = "/vendor/scalar/standalone.js";

/**
 * The docs page's own CSP: Scalar runs from our origin (no CDN), injects its stylesheet at run
 * time (hence inline styles), and its "try it" client calls this API only (`connect-src
 * 'self'`), so neither a key typed into it nor telemetry can leave the deployment.
 */
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; " +
  "form-action 'none'; frame-ancestors 'none'";

/**
 * The API reference: Scalar (schemas, examples, a client to try calls with an API key) over
 * the OpenAPI document the routes are validated with. Its configuration is JSON in the page,
 * read by the bundle, so the page needs no inline script.
 */
export function renderDocs(openApiUrl: string, title: string) {
  const configuration = JSON.stringify({
    // No fonts from Scalar's CDN, no telemetry, no AI agent: nothing leaves the deployment.
    withDefaultFonts: false,
    telemetry: false,
    agent: { disabled: true },
    showDeveloperTools: "never",
    hideDownloadButton: false,
    defaultOpenAllTags: false,
    authentication: { preferredSecurityScheme: "bearerAuth" },
  });
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${title} API reference</title>
  </head>
  <body>
    <noscript>The reference needs JavaScript; the document itself is at
      <a href="${openApiUrl}">${openApiUrl}</a>.</noscript>
    <script id="api-reference" data-url="${openApiUrl}" data-configuration="${configuration}"></script>
    <script src="${SCALAR_SCRIPT}"></script>
  </body>
</html>`;
}
