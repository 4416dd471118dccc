import { DurableObject } from "cloudflare:workers";
import { checkBaseUrl, deploymentUrl } from "../security/egress";
import { GateStore, type MinuteCounter } from "./gate-store";
import type { HaloTenantSettings } from "./settings";
import {
  credentialsKey,
  isUsable,
  looksLikeExpiredToken,
  parseTokenResponse,
  type StoredToken,
  tokenRequestBody,
  tokenUrl,
} from "./token";
import type { GateResult, GateStatus, HaloRequest, HaloTransport } from "./types";
import {
  admit,
  after429,
  afterSuccess,
  budgetFactor,
  effectiveLimit,
  usage,
  type WindowLimit,
} from "./window";

/** A request that HaloPSA has not answered in this long is abandoned (and may have landed). */
const REQUEST_TIMEOUT_MS = 30_000;
/** How long /health trusts a refusal by the token endpoint before asking again. */
const AUTH_FAILURE_TTL_MS = 60_000;

type Exchange =
  | { kind: "http"; status: number; body: unknown; text: string }
  | Extract<GateResult, { kind: "throttled" | "network_error" }>;

type TokenOutcome =
  | { kind: "token"; token: StoredToken }
  | Extract<GateResult, { kind: "throttled" | "network_error" | "auth_error" }>;

export type ProbeState = "connected" | "disconnected" | "error" | "not_configured";

function limitOf(settings: HaloTenantSettings): WindowLimit {
  return {
    requests: settings.rateLimit.requests,
    windowMs: settings.rateLimit.windowSeconds * 1000,
  };
}

function parseBody(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function apiUrl(settings: HaloTenantSettings, request: HaloRequest): string {
  const url = new URL(`${settings.baseUrl}${request.path}`);
  for (const [k, v] of Object.entries(request.query ?? {})) {
    if (v !== undefined) url.searchParams.set(k, String(v));
  }
  return url.toString();
}

/**
 * The secret goes only to the deployment's HaloPSA host: `HALO_BASE_URL` must pass the URL guard,
 * and the caller's base URL must pass it too and share that origin (a path below it is allowed:
 * the sandbox's tenants live at `/t/{name}` on one host). Checked here, where the secret is
 * read, whatever the caller passes.
 */
function permittedTarget(env: Env, settings: HaloTenantSettings): string | null {
  const deployed = deploymentUrl(env, "HALO_BASE_URL");
  if (!deployed.ok) return deployed.reason;
  const asked = checkBaseUrl(env, "The HaloPSA base URL", settings.baseUrl);
  if (!asked.ok) return asked.reason;
  if (new URL(asked.url).origin !== new URL(deployed.url).origin) {
    return "The HaloPSA base URL is not on the deployment's HALO_BASE_URL host";
  }
  return null;
}

/** The OAuth error name, if the token endpoint sent one (`invalid_client`, halopsa-api.md §2). */
function oauthError(body: unknown, status: number): string {
  if (typeof body === "object" && body !== null && "error" in body) {
    return `HaloPSA refused the API credentials (${String(body.error)})`;
  }
  return `HaloPSA's token endpoint answered ${status}`;
}

/**
 * One per HaloPSA tenant (`idFromName(baseUrl)`): every HaloPSA request passes through here. It
 * keeps the tenant's rolling window, the OAuth token and the 429 cool-down in SQLite storage, so
 * an eviction loses none of them. Requests are never queued inside the object: when the window is
 * full the caller gets `throttled` with the wait, and decides whether to sleep or re-enqueue.
 *
 * Concurrency: the object's input gate is open while `fetch` is awaited, so calls interleave. A
 * slot is therefore reserved (and written) before each fetch and counted whatever the outcome,
 * and a token refresh is shared by every call that needs it.
 */
export class HaloGate extends DurableObject<Env> implements HaloTransport {
  private readonly store: GateStore;
  private tokenFlight: Promise<TokenOutcome> | undefined;
  private credentialsCache: { material: string; key: string } | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new GateStore(ctx.storage.sql);
    this.store.load(Date.now());
  }

  /** Sends one request to HaloPSA with the cached token; see GateResult for the outcomes. */
  async send(settings: HaloTenantSettings, request: HaloRequest): Promise<GateResult> {
    const secret = this.env.HALO_CLIENT_SECRET;
    if (!secret) return { kind: "not_configured", message: "HALO_CLIENT_SECRET is not set" };
    const refused = permittedTarget(this.env, settings);
    if (refused) return { kind: "not_configured", message: refused };
    this.remember(settings);
    const credentials = await this.credentials(settings, secret);

    let stale: string | undefined;
    // At most two rounds: the second after a refresh forced by a 401 (or an expiry-400).
    for (let round = 0; round < 2; round++) {
      const outcome = await this.ensureToken(settings, secret, credentials, stale);
      if (outcome.kind !== "token") return outcome;
      const token = outcome.token.accessToken;
      const res = await this.exchange(settings, () => {
        const headers: Record<string, string> = {
          Authorization: `Bearer ${token}`,
          Accept: "application/json",
        };
        if (request.body !== undefined) headers["Content-Type"] = "application/json";
        return new Request(apiUrl(settings, request), {
          method: request.method,
          headers,
          ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
        });
      });
      if (res.kind !== "http") return res;
      if (round === 0 && looksLikeExpiredToken(res.status, res.body, res.text)) {
        // Tokens are refreshed by requesting a new one, once (panoramicdata, dotMARC, halopsa-api.md §2).
        stale = token;
        continue;
      }
      return { kind: "response", status: res.status, body: res.body, text: res.text };
    }
    // Unreachable: round 1 always returns; kept for the type checker.
    return { kind: "network_error", message: "token refresh loop ended", sent: false };
  }

  /**
   * For /health: connected when a valid token is cached (costs nothing) or can be obtained now
   * (one request); error when the token endpoint refuses the credentials; disconnected when it
   * cannot be reached. A recent refusal is reported again without asking HaloPSA.
   */
  async probe(
    settings: HaloTenantSettings,
  ): Promise<{ state: ProbeState; reason?: string; status: GateStatus }> {
    const secret = this.env.HALO_CLIENT_SECRET;
    if (!secret) {
      return {
        state: "not_configured",
        reason: "HALO_CLIENT_SECRET is not set",
        status: this.status(),
      };
    }
    const refused = permittedTarget(this.env, settings);
    if (refused) return { state: "not_configured", reason: refused, status: this.status() };
    this.remember(settings);
    const credentials = await this.credentials(settings, secret);
    const now = Date.now();
    const failure = this.store.authFailure();
    if (failure && failure.credentials === credentials && now - failure.at < AUTH_FAILURE_TTL_MS) {
      return { state: "error", reason: failure.message, status: this.status() };
    }
    const outcome = await this.ensureToken(settings, secret, credentials, undefined);
    const status = this.status();
    switch (outcome.kind) {
      case "token":
        return { state: "connected", status };
      case "auth_error":
        return { state: "error", reason: outcome.message, status };
      case "throttled":
        return {
          state: "disconnected",
          reason: `HaloPSA is rate limiting; retry in ${outcome.retryAfterMs} ms`,
          status,
        };
      default:
        return { state: "disconnected", reason: outcome.message, status };
    }
  }

  /** The gate's state for /health and analytics. Never includes the token or the secret. */
  status(): GateStatus {
    const now = Date.now();
    const tenant = this.store.tenant();
    const p = this.store.pressure();
    const token = this.store.token();
    const windowMs = tenant ? tenant.windowSeconds * 1000 : undefined;
    const used = windowMs ? usage(this.store.allSlots(), windowMs, now) : { used: 0, inFlight: 0 };
    const budget =
      tenant && windowMs
        ? effectiveLimit({ requests: tenant.requests, windowMs }, p, now)
        : undefined;
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      baseUrl: tenant?.baseUrl ?? null,
      limit: tenant ? { requests: tenant.requests, window_seconds: tenant.windowSeconds } : null,
      budget: budget ?? null,
      budget_factor: windowMs ? budgetFactor(p, now, windowMs) : 1,
      window: {
        used: used.used,
        in_flight: used.inFlight,
        remaining: budget === undefined ? null : Math.max(0, budget - used.used),
      },
      cooldown_until: p.cooldownUntil > now ? iso(p.cooldownUntil) : null,
      cooldown_remaining_ms: Math.max(0, p.cooldownUntil - now),
      last_429_at: p.lastAt > 0 ? iso(p.lastAt) : null,
      token: {
        present: token !== undefined && token.expiresAt > now,
        age_seconds: token ? Math.round((now - token.obtainedAt) / 1000) : null,
        expires_in_seconds: token ? Math.round((token.expiresAt - now) / 1000) : null,
      },
      counters: this.store.counters(),
    };
  }

  /** Requests sent, 429s and local refusals between two moments (epoch ms), for analytics. */
  history(fromMs: number, toMs: number): Record<MinuteCounter, number> {
    return this.store.minuteTotals(fromMs, toMs);
  }

  private remember(settings: HaloTenantSettings): void {
    this.store.setTenant({
      baseUrl: settings.baseUrl,
      requests: settings.rateLimit.requests,
      windowSeconds: settings.rateLimit.windowSeconds,
    });
  }

  private async credentials(settings: HaloTenantSettings, secret: string): Promise<string> {
    const material = JSON.stringify([
      settings.baseUrl,
      settings.tenant,
      settings.clientId,
      settings.scope,
    ]);
    const cached = this.credentialsCache;
    if (cached?.material === material) return cached.key;
    const key = await credentialsKey(settings, secret);
    this.credentialsCache = { material, key };
    return key;
  }

  /**
   * The cached token, or one new token request shared by every caller waiting for it. `stale` is
   * a token HaloPSA just refused: it is dropped unless another call has already replaced it.
   */
  private ensureToken(
    settings: HaloTenantSettings,
    secret: string,
    credentials: string,
    stale: string | undefined,
  ): Promise<TokenOutcome> {
    const cached = this.store.token();
    if (stale !== undefined && cached?.accessToken === stale) {
      this.store.setToken(undefined);
      this.store.count("token_refreshes");
    } else if (isUsable(cached, credentials, Date.now()) && cached.accessToken !== stale) {
      return Promise.resolve({ kind: "token", token: cached });
    }
    if (!this.tokenFlight) {
      this.tokenFlight = this.requestToken(settings, secret, credentials).finally(() => {
        this.tokenFlight = undefined;
      });
    }
    return this.tokenFlight;
  }

  private async requestToken(
    settings: HaloTenantSettings,
    secret: string,
    credentials: string,
  ): Promise<TokenOutcome> {
    this.store.count("token_requests");
    const res = await this.exchange(
      settings,
      () =>
        new Request(tokenUrl(settings), {
          method: "POST",
          headers: {
            "Content-Type": "application/x-www-form-urlencoded",
            Accept: "application/json",
          },
          body: tokenRequestBody(settings, secret),
        }),
    );
    if (res.kind !== "http") return res;
    const now = Date.now();
    if (res.status >= 300 && res.status < 400) {
      const message = `HaloPSA's token endpoint answered a redirect (${res.status}); the client secret is never sent on to another URL`;
      this.store.count("auth_failures");
      this.store.setAuthFailure({ at: now, credentials, message });
      return { kind: "auth_error", status: res.status, message };
    }
    if (res.status >= 200 && res.status < 300) {
      const token = parseTokenResponse(res.body, now, credentials);
      if (token) {
        this.store.setToken(token);
        this.store.setAuthFailure(undefined);
        return { kind: "token", token };
      }
      return {
        kind: "auth_error",
        status: res.status,
        message: "HaloPSA's token endpoint sent no access token",
      };
    }
    if (res.status >= 500) {
      // The API request itself was never sent, so even a write may simply be tried again.
      return {
        kind: "network_error",
        message: `HaloPSA's token endpoint answered ${res.status}`,
        sent: false,
      };
    }
    const message = oauthError(res.body, res.status);
    this.store.count("auth_failures");
    this.store.setAuthFailure({ at: now, credentials, message });
    return { kind: "auth_error", status: res.status, message };
  }

  /**
   * One HTTP exchange under the window: refuses during a cool-down or when the window is full,
   * otherwise reserves a slot (persisted before the fetch, counted even if the fetch fails), and
   * turns a 429 into a cool-down with a lowered budget.
   */
  private async exchange(settings: HaloTenantSettings, build: () => Request): Promise<Exchange> {
    const limit = limitOf(settings);
    const reservedAt = Date.now();
    const pressure = this.store.pressure();
    if (reservedAt < pressure.cooldownUntil) {
      this.store.count("throttled");
      return {
        kind: "throttled",
        retryAfterMs: pressure.cooldownUntil - reservedAt,
        reason: "cooldown",
      };
    }
    this.store.prune(reservedAt, limit.windowMs);
    const allowed = effectiveLimit(limit, pressure, reservedAt);
    const admission = admit(this.store.allSlots(), allowed, limit.windowMs, reservedAt);
    if (!admission.ok) {
      this.store.count("throttled");
      return { kind: "throttled", retryAfterMs: admission.retryAfterMs, reason: "window" };
    }

    const slot = this.store.reserve(reservedAt);
    this.store.count("requests_sent");
    let status: number;
    let text: string;
    // A timer cleared on completion, not AbortSignal.timeout: a pending timer would keep the
    // object busy (and an eviction waiting) long after the request ended.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error("timed out")), REQUEST_TIMEOUT_MS);
    try {
      // Never follow a redirect: it would carry the secret or the bearer token to a host the
      // URL guard has not seen. A 3xx is returned to the caller as an answer, i.e. an error.
      const res = await fetch(build(), { signal: abort.signal, redirect: "manual" });
      status = res.status;
      text = await res.text();
    } catch (err) {
      this.store.finish(slot, Date.now());
      this.store.count("network_errors");
      const message = err instanceof Error ? err.message : String(err);
      return { kind: "network_error", message: `HaloPSA unreachable: ${message}`, sent: true };
    } finally {
      clearTimeout(timer);
    }
    const done = Date.now();
    this.store.finish(slot, done);

    if (status === 429) {
      // No Retry-After to trust (halopsa-api.md §4): the cool-down and the lowered budget are ours to choose.
      this.store.count("responses_429");
      const next = after429(this.store.pressure(), done, reservedAt, limit.windowMs);
      this.store.setPressure(next);
      return {
        kind: "throttled",
        retryAfterMs: Math.max(1, next.cooldownUntil - done),
        reason: "rate_limited",
      };
    }
    if (status >= 500) this.store.count("server_errors");
    else {
      const current = this.store.pressure();
      const calmer = afterSuccess(current);
      if (calmer !== current) this.store.setPressure(calmer);
    }
    return { kind: "http", status, body: parseBody(text), text };
  }
}
