import type { MiddlewareHandler } from "hono";
import type { TenantContext } from "./context";
import { rateLimitResponse } from "./limiter";

const FAULT_HEADER = "x-sandbox-fault";

/** Route key for stats: numeric path segments become {id}. */
function routeKey(method: string, path: string): string {
  return `${method} ${path.replace(/\/\d+(?=\/|$)/g, "/{id}")}`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Everything that stands between a HaloPSA-shaped request and its handler, in the order a real
 * request meets it: network latency, a 429 storm, the rolling-window limiter, the bearer token,
 * an injected 500; and after the handler, a lost response for a write that did happen.
 */
export function haloGate(t: TenantContext): MiddlewareHandler {
  return async (c, next) => {
    const knobs = t.knobs();
    const path = c.req.path;
    const method = c.req.method;
    const isApi = path.startsWith("/api/");
    const isToken = path === "/auth/token";
    const record = (res: Response) => {
      t.stats.request(routeKey(method, path), res.status);
      return res;
    };

    if (knobs.latency_ms > 0) await sleep(knobs.latency_ms);
    const now = t.now(knobs);

    if (knobs.storm_until > now || knobs.storm_requests > 0) {
      if (knobs.storm_until <= now) t.knobStore.patch({ storm_requests: knobs.storm_requests - 1 });
      t.stats.inc("storm_429s");
      const res = rateLimitResponse(knobs.rate_limit, knobs.rate_window_seconds);
      res.headers.set(FAULT_HEADER, "storm");
      return record(res);
    }

    // Whether token calls spend the budget is a knob (rate_limit_counts_auth, default true): the
    // published limit says "API requests" and does not exempt the auth endpoint (halopsa-api.md §4, §8).
    if (!isToken || knobs.rate_limit_counts_auth) {
      if (!t.window.admit(now, knobs.rate_limit, knobs.rate_window_seconds)) {
        t.stats.inc("rate_limited");
        return record(rateLimitResponse(knobs.rate_limit, knobs.rate_window_seconds));
      }
    }

    if (isApi && path !== "/api/authinfo") {
      const check = t.tokens.check(c.req.header("authorization"), now);
      if (!check.ok) {
        t.stats.inc("token_rejections");
        // Expired tokens get 401, or 400 as some tenants answer (n8n#16857, halopsa-api.md §6.7).
        const status = check.reason === "expired" ? knobs.expired_token_status : 401;
        const headers: Record<string, string> = {};
        if (status === 401) {
          headers["www-authenticate"] =
            check.reason === "expired"
              ? 'Bearer error="invalid_token", error_description="The token expired"'
              : 'Bearer error="invalid_token"';
        }
        return record(new Response(null, { status, headers }));
      }
      if (knobs.error_rate > 0 && t.dice.draw(knobs.seed) < knobs.error_rate) {
        t.stats.inc("errors_injected");
        return record(
          new Response(JSON.stringify({ Message: "An error has occurred." }), {
            status: 500,
            headers: {
              "content-type": "application/json; charset=utf-8",
              [FAULT_HEADER]: "error_rate",
            },
          }),
        );
      }
    }

    await next();

    if (
      isApi &&
      method === "POST" &&
      c.res.ok &&
      knobs.drop_rate > 0 &&
      t.dice.draw(knobs.seed) < knobs.drop_rate
    ) {
      // The write is stored (and its webhook queued); only the reply is lost, like a gateway
      // timing out after the origin committed.
      t.stats.inc("dropped_responses");
      c.res = new Response(null, {
        status: knobs.drop_status,
        headers: { [FAULT_HEADER]: "drop" },
      });
    }
    record(c.res);
  };
}
