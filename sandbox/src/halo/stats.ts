import type { Kv } from "./db";

export interface StatsData {
  requests_total: number;
  requests_by_route: Record<string, number>;
  responses_by_status: Record<string, number>;
  /** 429s sent by the rolling-window limiter. */
  rate_limited: number;
  /** 429s sent by a storm knob. */
  storm_429s: number;
  /** 500s injected by error_rate. */
  errors_injected: number;
  /** Writes whose response was replaced by drop_status. */
  dropped_responses: number;
  tokens_issued: number;
  /** 401 invalid_client on /auth/token. */
  auth_failures: number;
  /** API calls refused for a missing, unknown or expired token. */
  token_rejections: number;
  webhooks_sent: number;
  webhooks_failed: number;
}

const KEY = "stats";

export function emptyStats(): StatsData {
  return {
    requests_total: 0,
    requests_by_route: {},
    responses_by_status: {},
    rate_limited: 0,
    storm_429s: 0,
    errors_injected: 0,
    dropped_responses: 0,
    tokens_issued: 0,
    auth_failures: 0,
    token_rejections: 0,
    webhooks_sent: 0,
    webhooks_failed: 0,
  };
}

type Counter = Exclude<keyof StatsData, "requests_by_route" | "responses_by_status">;

export class Stats {
  constructor(private readonly kv: Kv) {}

  read(): StatsData {
    // Written only by this class, so the stored shape is trusted.
    return { ...emptyStats(), ...((this.kv.get(KEY) as Partial<StatsData> | undefined) ?? {}) };
  }

  inc(counter: Counter, by = 1): void {
    const s = this.read();
    s[counter] += by;
    this.kv.set(KEY, s);
  }

  request(route: string, status: number): void {
    const s = this.read();
    s.requests_total += 1;
    s.requests_by_route[route] = (s.requests_by_route[route] ?? 0) + 1;
    s.responses_by_status[String(status)] = (s.responses_by_status[String(status)] ?? 0) + 1;
    this.kv.set(KEY, s);
  }
}
