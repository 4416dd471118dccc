import type { HaloTenantSettings } from "./settings";

/** One HaloPSA API call, as plain data so it can cross the Durable Object RPC boundary. */
export interface HaloRequest {
  method: "GET" | "POST" | "DELETE";
  /** Path under the tenant's base URL, e.g. `/api/Client`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body; HaloPSA POSTs always take an array (halopsa-api.md §3.1). */
  body?: unknown;
}

/** What HaloGate answers for one request. Never a thrown error: the RPC carries every outcome. */
export type GateResult =
  /** HaloPSA answered (any status except 429, which becomes `throttled`). */
  | { kind: "response"; status: number; body: unknown; text: string }
  /** Not sent (window full, cool-down) or answered 429: try again after `retryAfterMs`. */
  | { kind: "throttled"; retryAfterMs: number; reason: "window" | "cooldown" | "rate_limited" }
  /** No answer: connection refused, reset, or the response was lost. `sent` if it may have landed. */
  | { kind: "network_error"; message: string; sent: boolean }
  /** The token endpoint refused our credentials (401 invalid_client) or is misconfigured. */
  | { kind: "auth_error"; status: number; message: string }
  /** HALO_CLIENT_SECRET is not set. */
  | { kind: "not_configured"; message: string };

/** HaloGate's state, for /health and analytics. Never includes the token or the secret. */
export interface GateStatus {
  baseUrl: string | null;
  limit: { requests: number; window_seconds: number } | null;
  /** Requests the gate currently allows per window (the limit lowered after a 429). */
  budget: number | null;
  budget_factor: number;
  window: { used: number; in_flight: number; remaining: number | null };
  cooldown_until: string | null;
  cooldown_remaining_ms: number;
  last_429_at: string | null;
  token: { present: boolean; age_seconds: number | null; expires_in_seconds: number | null };
  counters: GateCounters;
}

export interface GateCounters {
  requests_sent: number;
  token_requests: number;
  responses_429: number;
  throttled: number;
  server_errors: number;
  network_errors: number;
  auth_failures: number;
  token_refreshes: number;
}

/**
 * The surface the client functions call: HaloGate implements it, and nothing else may reach
 * HaloPSA. Tests can wrap it to record or inspect outgoing requests.
 */
export interface HaloTransport {
  send(settings: HaloTenantSettings, request: HaloRequest): Promise<GateResult>;
}
