import { z } from "zod";
import type { Kv } from "./db";

// Every knob, its type and its default. Defaults follow reference/halopsa-api.md; where the real
// API is uncertain the default is the stricter reading, so a client that works here also works
// under the other setting (see README.md, "Uncertain behaviour").
const knobFields = {
  /** Requests per rolling window. Halo publishes 500 per 3 minutes (halopsa-api.md §4). */
  rate_limit: z.number().int().min(1),
  rate_window_seconds: z.number().positive(),
  /** Whether POST /auth/token spends the budget. Strict by default ("count every call", §8). */
  rate_limit_counts_auth: z.boolean(),
  /** Token lifetime; undocumented upstream, 3600 in third-party samples (§2). */
  token_ttl_seconds: z.number().positive(),
  /** Halo usually answers 401 on an expired token, sometimes 400 (n8n#16857, §6.7). */
  expired_token_status: z.union([z.literal(401), z.literal(400)]),
  /** Fraction of /api calls answered 500 before doing anything. */
  error_rate: z.number().min(0).max(1),
  latency_ms: z.number().int().min(0).max(60_000),
  /** Fraction of successful writes whose response is lost after the write happened. */
  drop_rate: z.number().min(0).max(1),
  drop_status: z.union([z.literal(502), z.literal(504)]),
  /** The next N Halo requests answer 429 (a storm), whatever the window says. */
  storm_requests: z.number().int().min(0),
  /** Tenant-clock epoch ms until which every Halo request answers 429. Set via storm_seconds. */
  storm_until: z.number().int().min(0),
  /** Seed for the fault PRNG; null means Math.random (non-deterministic). */
  seed: z.number().int().nullable(),
  /** What a multi-item POST returns without ?returnall=true (undocumented, §3.1). */
  post_response_mode: z.enum(["first", "last", "array"]),
  /** Whether POST accepts a bare object instead of an array (dotMARC does it; spec says array). */
  accept_bare_object: z.boolean(),
  /** Single GET shape: the bare object (usual) or {tickets:[obj]} (seen by asachs01, §3.2). */
  single_get_mode: z.enum(["bare", "wrapped"]),
  /**
   * What a POST upsert answers for an `id` that does not exist (e.g. deleted): undocumented, so
   * a knob — 400 keyed by the field path like other validation errors, or 404.
   */
  upsert_missing_id: z.enum(["reject_400", "not_found_404"]),
  /** Posting a partial customfields array clears the fields left out (HaloAPI#13, assets). */
  customfields_replace: z.boolean(),
  /** Cap on unpaginated lists when no ?count= is sent; null returns everything. */
  unpaged_max: z.number().int().min(1).nullable(),
  webhook_url: z.url().nullable(),
  webhook_username: z.string().nullable(),
  webhook_password: z.string().nullable(),
  /** Send all events of one API call as a single JSON array (Halo's batching, v2.164+). */
  webhook_batch: z.boolean(),
  webhook_payload: z.enum(["full", "event_only"]),
  /** Added to the wall clock: lets tests expire tokens and roll windows without sleeping. */
  clock_offset_ms: z.number().int(),
  /** The status the echo receiver (POST /_sandbox/echo) answers: 500 or 410 for webhook tests. */
  echo_status: z.number().int().min(200).max(599),
};

export const knobsSchema = z.object(knobFields);
export type Knobs = z.infer<typeof knobsSchema>;

/** PUT /_sandbox/knobs body: any subset, plus `storm_seconds` as a convenience. */
export const knobsPatchSchema = z
  .object(knobFields)
  .partial()
  .extend({ storm_seconds: z.number().positive().optional() })
  .strict();

export const DEFAULT_KNOBS: Knobs = {
  rate_limit: 500,
  rate_window_seconds: 180,
  rate_limit_counts_auth: true,
  token_ttl_seconds: 3600,
  expired_token_status: 401,
  error_rate: 0,
  latency_ms: 0,
  drop_rate: 0,
  drop_status: 502,
  storm_requests: 0,
  storm_until: 0,
  seed: null,
  post_response_mode: "first",
  accept_bare_object: false,
  single_get_mode: "bare",
  customfields_replace: false,
  upsert_missing_id: "reject_400",
  unpaged_max: null,
  webhook_url: null,
  webhook_username: null,
  webhook_password: null,
  webhook_batch: false,
  webhook_payload: "full",
  clock_offset_ms: 0,
  echo_status: 200,
};

type KnobName = keyof Knobs;
const KNOB_NAMES = Object.keys(DEFAULT_KNOBS) as KnobName[];

function coerceEnvValue(raw: string, fallback: unknown): unknown {
  if (raw === "null") return null;
  if (typeof fallback === "boolean") return raw === "true" || raw === "1";
  if (typeof fallback === "number" || fallback === null) {
    const n = Number(raw);
    return Number.isNaN(n) ? raw : n;
  }
  return raw;
}

/** Run-wide defaults from SANDBOX_<KNOB> variables (e.g. SANDBOX_RATE_LIMIT=300). */
export function envKnobs(env: object): Partial<Knobs> {
  const vars = env as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const name of KNOB_NAMES) {
    const raw = vars[`SANDBOX_${name.toUpperCase()}`];
    if (typeof raw !== "string" || raw === "") continue;
    const parsed = knobFields[name].safeParse(coerceEnvValue(raw, DEFAULT_KNOBS[name]));
    if (parsed.success) out[name] = parsed.data;
    else console.warn(`ignoring invalid SANDBOX_${name.toUpperCase()}=${raw}`);
  }
  return knobsSchema.partial().parse(out);
}

const OVERRIDES_KEY = "knobs";

export class KnobStore {
  constructor(
    private readonly kv: Kv,
    private readonly envDefaults: Partial<Knobs>,
  ) {}

  get(): Knobs {
    const stored = knobsSchema.partial().safeParse(this.kv.get(OVERRIDES_KEY) ?? {});
    return { ...DEFAULT_KNOBS, ...this.envDefaults, ...(stored.success ? stored.data : {}) };
  }

  /** Partial merge over the tenant's current overrides. */
  patch(patch: Partial<Knobs>): Knobs {
    const stored = knobsSchema.partial().safeParse(this.kv.get(OVERRIDES_KEY) ?? {});
    this.kv.set(OVERRIDES_KEY, { ...(stored.success ? stored.data : {}), ...patch });
    return this.get();
  }
}
