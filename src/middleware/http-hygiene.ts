import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import type { RouteTable } from "../http/route-table";
import type { AppEnv } from "../http/types";

/**
 * HTML pages get this unless they set their own (the API reference, `DOCS_CSP`): nothing may be
 * framed, submitted or loaded from elsewhere.
 */
export const HTML_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; " +
  "form-action 'none'; frame-ancestors 'none'";

/**
 * The dashboard's page: its script and stylesheet are same-origin files (public/dashboard/),
 * and it talks only to this origin's API. No inline script, nothing from elsewhere.
 */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Headers every response carries: no MIME sniffing, no caching of API answers (they carry
 * lead data and are per key), and a CSP on HTML — the strict default unless the page set its
 * own (the dashboard's, above).
 */
export const securityHeaders = createMiddleware<AppEnv>(async function securityHeaders(c, next) {
  await next();
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Referrer-Policy", "no-referrer");
  if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
  if ((c.res.headers.get("Content-Type") ?? "").startsWith("text/html")) {
    // A page that needs more (the API reference loads a script) sets its own.
    if (!c.res.headers.has("Content-Security-Policy"))
      c.header("Content-Security-Policy", HTML_CSP);
    c.header("X-Frame-Options", "DENY");
  }
});

/** The request headers a browser client may send, and the response headers it may read. */
const ALLOW_HEADERS = [
  "Authorization",
  "Content-Type",
  "Idempotency-Key",
  "If-Match",
  "X-Request-Id",
];
const EXPOSE_HEADERS = [
  "X-Request-Id",
  "Retry-After",
  "ETag",
  "Location",
  "Idempotent-Replayed",
  "X-RateLimit-Limit",
  "X-RateLimit-Remaining",
  "X-RateLimit-Reset",
];

/** `CORS_ALLOWED_ORIGINS`: comma-separated exact origins (`https://crm.example.com`). */
export function allowedOrigins(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((o) => o.trim())
    .filter((o) => o.length > 0 && o !== "*");
}

/**
 * CORS is off unless the deployment lists origins in the `CORS_ALLOWED_ORIGINS` Worker
 * variable. A request from any other origin gets no CORS headers at all, so a browser refuses
 * to hand the answer to that page. No credentials mode: the API authenticates with bearer keys,
 * never cookies. `*` is refused on purpose: a key pasted into any site would otherwise work.
 */
export function corsPolicy(routes: RouteTable) {
  return createMiddleware<AppEnv>(async function corsPolicy(c, next) {
    const origin = c.req.header("Origin");
    if (!origin || !allowedOrigins(c.env.CORS_ALLOWED_ORIGINS).includes(origin)) return next();
    return cors({
      origin,
      allowMethods: () => routes.methodsFor(c.req.path).concat("OPTIONS"),
      allowHeaders: ALLOW_HEADERS,
      exposeHeaders: EXPOSE_HEADERS,
      maxAge: 600,
    })(c, next);
  });
}

/** `OPTIONS` on a served path: 204 with the methods it answers; on any other path, 404. */
export function answerOptions(routes: RouteTable) {
  return createMiddleware<AppEnv>(async function answerOptions(c, next) {
    if (c.req.method !== "OPTIONS") return next();
    const methods = routes.methodsFor(c.req.path);
    if (methods.length === 0) return next();
    return c.body(null, 204, { Allow: [...methods, "OPTIONS"].join(", ") });
  });
}
