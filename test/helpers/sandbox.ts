import { env } from "cloudflare:workers";
import { haloClient } from "../../src/halo/client";
import type { HaloTenantSettings } from "../../src/halo/settings";
import type { Halo } from "../../src/halo/transport";

/** The sandbox's test credentials (sandbox/wrangler.jsonc, vitest.config.ts TEST_SECRETS). */
export const SANDBOX_CLIENT = { id: "leadbridge-dev", secret: "sandbox-secret-change-me" };

export interface SandboxStats {
  requests_total: number;
  requests_by_route: Record<string, number>;
  responses_by_status: Record<string, number>;
  rate_limited: number;
  storm_429s: number;
  errors_injected: number;
  dropped_responses: number;
  tokens_issued: number;
  auth_failures: number;
  token_rejections: number;
  window: { limit: number; window_seconds: number; used: number; remaining: number };
}

async function json<T>(res: Response, what: string): Promise<T> {
  if (!res.ok) throw new Error(`sandbox ${what}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * One sandbox tenant (`/t/{name}`): its own records, tokens, window, knobs and stats, so test
 * files never share HaloPSA state. Control calls (/_sandbox) are never counted or limited.
 */
export class SandboxTenant {
  readonly name: string;
  readonly baseUrl: string;
  private token: string | undefined;

  constructor(label = "t") {
    this.name = `${label}-${crypto.randomUUID().slice(0, 12)}`;
    this.baseUrl = `${env.SANDBOX_URL}/t/${this.name}`;
  }

  settings(rateLimit = { requests: 500, windowSeconds: 180 }): HaloTenantSettings {
    return {
      baseUrl: this.baseUrl,
      tenant: this.name,
      clientId: SANDBOX_CLIENT.id,
      scope: "all",
      rateLimit,
    };
  }

  /** A client through the real HaloGate (one Durable Object per base URL). */
  client(options: { rateLimit?: HaloTenantSettings["rateLimit"]; maxWaitMs?: number } = {}): Halo {
    return haloClient(env, this.settings(options.rateLimit), { maxWaitMs: options.maxWaitMs ?? 0 });
  }

  async knobs(patch: Record<string, unknown>): Promise<Record<string, unknown>> {
    const res = await fetch(`${this.baseUrl}/_sandbox/knobs`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(patch),
    });
    return json(res, "knobs");
  }

  async stats(): Promise<SandboxStats> {
    return json(await fetch(`${this.baseUrl}/_sandbox/stats`), "stats");
  }

  async advanceClock(seconds: number): Promise<void> {
    await json(
      await fetch(`${this.baseUrl}/_sandbox/clock`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ advance_seconds: seconds }),
      }),
      "clock",
    );
  }

  /**
   * Every record of a list, read straight from the sandbox (not through the client under test).
   * Spends the tenant's window like any API call, so call it after faults are switched off.
   */
  async listAll(path: string, key: string): Promise<Record<string, unknown>[]> {
    const token = await this.rawToken();
    const out: Record<string, unknown>[] = [];
    for (let page = 1; ; page++) {
      const res = await fetch(
        `${this.baseUrl}/api/${path}?pageinate=true&page_size=100&page_no=${page}&includeinactive=true`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      const body = await json<Record<string, unknown>>(res, `list ${path}`);
      const items = body[key];
      if (!Array.isArray(items) || items.length === 0) return out;
      out.push(...(items as Record<string, unknown>[]));
      if (out.length >= Number(body.record_count)) return out;
    }
  }

  private async rawToken(): Promise<string> {
    if (this.token) return this.token;
    const res = await fetch(`${this.baseUrl}/auth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: SANDBOX_CLIENT.id,
        client_secret: SANDBOX_CLIENT.secret,
        scope: "all",
      }).toString(),
    });
    const body = await json<{ access_token: string }>(res, "token");
    this.token = body.access_token;
    return this.token;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
