import { z } from "zod";
import type { TenantContext } from "../halo/context";
import { DEFAULT_SEED } from "./universe";

/**
 * Per-tenant state of the provider simulators: knobs, counters (calls, credits, refusals) and a
 * call log, kept in the tenant Durable Object's storage next to its HaloPSA data, so
 * `/t/{tenant}/apollo/…` is as isolated as `/t/{tenant}/api/…`. Knobs and counters live in the
 * tenant's kv table (wiped by POST /_sandbox/reset); the call log has its own table.
 */

export const PROVIDERS = ["apollo", "zoominfo", "hunter"] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** One injected answer: the next `count` matching calls get `status` (and Retry-After). */
const injectSchema = z
  .object({
    status: z.union([z.literal(403), z.literal(429), z.literal(500), z.literal(503)]),
    count: z.number().int().min(1).default(1),
    retry_after_seconds: z.number().int().min(0).nullable().default(null),
    /** Only calls whose route contains this text ("people/match", "domain-search"). */
    route: z.string().nullable().default(null),
  })
  .strict();
export type Inject = z.infer<typeof injectSchema>;

const providerKnobs = {
  apollo: z
    .object({
      /** Per endpoint fixed windows (providers.md §1.5: paid search 200/min, 6,000/h, 50,000/day). */
      minute_limit: z.number().int().min(1).default(200),
      hourly_limit: z.number().int().min(1).default(6_000),
      daily_limit: z.number().int().min(1).default(50_000),
      /** The two sources spell the daily headers differently; a client must read both. */
      daily_header_style: z.enum(["daily", "24-hour"]).default("daily"),
      inject: z.array(injectSchema).default([]),
    })
    .strict(),
  zoominfo: z
    .object({
      /** Legacy API: 1,500 requests per minute (providers.md §2.5). */
      minute_limit: z.number().int().min(1).default(1_500),
      /** JWT lifetime: 60 minutes (providers.md §2.1). */
      jwt_ttl_seconds: z.number().int().min(1).default(3_600),
      inject: z.array(injectSchema).default([]),
    })
    .strict(),
  hunter: z
    .object({
      /** 15 requests per second on domain search and email finder (providers.md §3.5). */
      per_second: z.number().int().min(1).default(15),
      /** Monthly searches in the plan; 429 once spent. */
      quota: z.number().int().min(0).default(500),
      /** Largest `limit` accepted: 100, or 10 on free plans (providers.md §3.6). */
      max_limit: z.number().int().min(1).max(100).default(100),
      /** When the monthly quota resets (GET /v2/account `reset_date`). */
      reset_date: z.string().default("2026-12-01"),
      /**
       * Addresses whose owner asked Hunter to stop processing them after its search index served
       * them: domain search still lists them, the email verifier and finder answer 451
       * `claimed_email` (providers.md §3.3) — a claim landing between a search and a verify.
       */
      claimed_emails: z.array(z.string()).default([]),
      inject: z.array(injectSchema).default([]),
    })
    .strict(),
};

export const providerKnobsSchema = z
  .object({
    /** Seed of the generated universe of companies and people. */
    seed: z.number().int().default(DEFAULT_SEED),
    apollo: providerKnobs.apollo.prefault({}),
    zoominfo: providerKnobs.zoominfo.prefault({}),
    hunter: providerKnobs.hunter.prefault({}),
  })
  .strict();
export type ProviderKnobs = z.infer<typeof providerKnobsSchema>;

/** PUT body: any subset; provider objects merge into the current ones. */
export const providerKnobsPatchSchema = z
  .object({
    seed: z.number().int().optional(),
    apollo: providerKnobs.apollo.partial().optional(),
    zoominfo: providerKnobs.zoominfo.partial().optional(),
    hunter: providerKnobs.hunter.partial().optional(),
  })
  .strict();
export type ProviderKnobsPatch = z.infer<typeof providerKnobsPatchSchema>;

export interface ProviderCounters {
  calls: number;
  calls_by_route: Record<string, number>;
  responses_by_status: Record<string, number>;
  /** Enrichment credits (Apollo, ZoomInfo) or searches (Hunter) charged. */
  credits: number;
  /** Provider ids (or emails, for Hunter) of the people a credit was spent on, in order. */
  charged: string[];
  rate_limited: number;
  auth_failures: number;
}

const KNOBS_KEY = "providers:knobs";
const WINDOWS_KEY = "providers:windows";
const countersKey = (p: ProviderName) => `providers:counters:${p}`;

function emptyCounters(): ProviderCounters {
  return {
    calls: 0,
    calls_by_route: {},
    responses_by_status: {},
    credits: 0,
    charged: [],
    rate_limited: 0,
    auth_failures: 0,
  };
}

export interface CallLogEntry {
  seq: number;
  provider: ProviderName;
  route: string;
  status: number;
  at: string;
  detail: Record<string, unknown>;
}

export class ProviderState {
  constructor(private readonly t: TenantContext) {
    t.sql.exec(`CREATE TABLE IF NOT EXISTS provider_calls (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, provider TEXT NOT NULL, data TEXT NOT NULL)`);
  }

  now(): number {
    return this.t.now();
  }

  kvGet<T>(key: string): T | undefined {
    return this.t.kv.get(key) as T | undefined;
  }

  kvSet(key: string, value: unknown): void {
    this.t.kv.set(key, value);
  }

  knobs(): ProviderKnobs {
    return providerKnobsSchema.parse(this.t.kv.get(KNOBS_KEY) ?? {});
  }

  patchKnobs(patch: ProviderKnobsPatch): ProviderKnobs {
    const cur = this.knobs();
    const next = providerKnobsSchema.parse({
      seed: patch.seed ?? cur.seed,
      apollo: { ...cur.apollo, ...patch.apollo },
      zoominfo: { ...cur.zoominfo, ...patch.zoominfo },
      hunter: { ...cur.hunter, ...patch.hunter },
    });
    this.t.kv.set(KNOBS_KEY, next);
    return next;
  }

  counters(p: ProviderName): ProviderCounters {
    const stored = this.t.kv.get(countersKey(p));
    return stored && typeof stored === "object"
      ? { ...emptyCounters(), ...(stored as Partial<ProviderCounters>) }
      : emptyCounters();
  }

  private update(p: ProviderName, change: (c: ProviderCounters) => void): void {
    const c = this.counters(p);
    change(c);
    this.t.kv.set(countersKey(p), c);
  }

  /** Records one answered call: counters plus the call log the tests read. */
  record(
    p: ProviderName,
    route: string,
    status: number,
    detail: Record<string, unknown> = {},
  ): void {
    this.update(p, (c) => {
      c.calls += 1;
      c.calls_by_route[route] = (c.calls_by_route[route] ?? 0) + 1;
      c.responses_by_status[String(status)] = (c.responses_by_status[String(status)] ?? 0) + 1;
      if (status === 429 || (p === "hunter" && status === 403)) c.rate_limited += 1;
      if (status === 401) c.auth_failures += 1;
    });
    const entry = { route, status, at: new Date(this.now()).toISOString(), detail };
    this.t.sql.exec(
      "INSERT INTO provider_calls (provider, data) VALUES (?, ?)",
      p,
      JSON.stringify(entry),
    );
  }

  charge(p: ProviderName, credits: number, ids: string[]): void {
    if (credits <= 0 && ids.length === 0) return;
    this.update(p, (c) => {
      c.credits += credits;
      c.charged.push(...ids);
    });
  }

  calls(p?: ProviderName): CallLogEntry[] {
    const rows = p
      ? this.t.sql
          .exec<{ seq: number; provider: string; data: string }>(
            "SELECT seq, provider, data FROM provider_calls WHERE provider = ? ORDER BY seq",
            p,
          )
          .toArray()
      : this.t.sql
          .exec<{ seq: number; provider: string; data: string }>(
            "SELECT seq, provider, data FROM provider_calls ORDER BY seq",
          )
          .toArray();
    return rows.map((r) => ({
      seq: r.seq,
      provider: r.provider as ProviderName,
      ...(JSON.parse(r.data) as Omit<CallLogEntry, "seq" | "provider">),
    }));
  }

  reset(): void {
    this.t.sql.exec("DELETE FROM provider_calls");
    this.t.kv.delete(KNOBS_KEY);
    this.t.kv.delete(WINDOWS_KEY);
    this.t.kv.delete("providers:zoominfo:jwts");
    for (const p of PROVIDERS) this.t.kv.delete(countersKey(p));
  }

  /**
   * The first injected answer matching `route`, consumed. Injections let tests reproduce a
   * provider's refusals (429 with Retry-After, Hunter's 403) exactly when they want them.
   */
  takeInjection(p: ProviderName, route: string): Inject | null {
    const knobs = this.knobs();
    const list = knobs[p].inject;
    const i = list.findIndex((x) => x.route === null || route.includes(x.route));
    const hit = list[i];
    if (!hit) return null;
    const rest =
      hit.count > 1 ? list.with(i, { ...hit, count: hit.count - 1 }) : list.toSpliced(i, 1);
    this.patchKnobs({ [p]: { inject: rest } });
    return hit;
  }

  /**
   * Fixed-window counting (Apollo's strategy, providers.md §1.5): the window starts on a
   * multiple of its length; `take` counts a call if there is room and says how it stands.
   */
  fixedWindow(
    p: ProviderName,
    name: string,
    lengthMs: number,
    limit: number,
    take: boolean,
  ): { used: number; left: number; resetMs: number; allowed: boolean } {
    const now = this.now();
    const start = Math.floor(now / lengthMs) * lengthMs;
    const all = (this.t.kv.get(WINDOWS_KEY) ?? {}) as Record<
      string,
      { start: number; used: number }
    >;
    const key = `${p}:${name}`;
    const cur = all[key];
    const used = cur && cur.start === start ? cur.used : 0;
    const allowed = used < limit;
    const after = take && allowed ? used + 1 : used;
    if (take && allowed) {
      all[key] = { start, used: after };
      this.t.kv.set(WINDOWS_KEY, all);
    }
    return {
      used: after,
      left: Math.max(0, limit - after),
      resetMs: start + lengthMs - now,
      allowed,
    };
  }
}
