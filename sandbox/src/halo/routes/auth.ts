import type { Hono } from "hono";
import { safeEqual } from "../auth";
import type { TenantContext } from "../context";
import { jsonResponse } from "../json";

/** OAuth2 client credentials at POST /auth/token[?tenant=] (halopsa-api.md §2, §8). */
export function authRoutes(app: Hono, t: TenantContext): void {
  app.post("/auth/token", async (c) => {
    const knobs = t.knobs();
    // parseBody reads application/x-www-form-urlencoded and multipart; anything else is empty.
    const form = await c.req.parseBody();
    const field = (name: string) => {
      const v = form[name];
      return typeof v === "string" ? v : "";
    };
    if (field("grant_type") !== "client_credentials") {
      return jsonResponse({ error: "unsupported_grant_type" }, 400);
    }
    const clientId = t.env.SANDBOX_CLIENT_ID || "leadbridge-dev";
    const clientSecret = t.env.SANDBOX_CLIENT_SECRET || "sandbox-secret-change-me";
    // Case-sensitive, as Halo's Client ID is (§8).
    const idOk = safeEqual(field("client_id"), clientId);
    const secretOk = safeEqual(field("client_secret"), clientSecret);
    if (!idOk || !secretOk) {
      t.stats.inc("auth_failures");
      return jsonResponse({ error: "invalid_client" }, 401);
    }
    const scope = field("scope") || "all";
    const token = t.tokens.issue(t.now(knobs), knobs.token_ttl_seconds, scope);
    t.stats.inc("tokens_issued");
    return jsonResponse({
      access_token: token,
      token_type: "Bearer",
      expires_in: knobs.token_ttl_seconds,
      scope,
    });
  });

  // Discovery used by HaloAPI before the token call; no auth (§2).
  app.get("/api/authinfo", (c) => {
    const base = c.req.header("x-sandbox-base") ?? new URL(c.req.url).origin;
    const tenant = c.req.header("x-sandbox-tenant") ?? "default";
    return jsonResponse({ auth_url: `${base}/auth`, tenant_id: tenant });
  });
}
