import { AppError } from "../errors";
import { HaloThrottledError, haloError, haloUnavailable } from "./errors";
import type { HaloTenantSettings } from "./settings";
import type { GateResult, HaloRequest, HaloTransport } from "./types";

/** What every HaloPSA client function is given: the gate, the tenant and the caller's patience. */
export interface Halo {
  readonly transport: HaloTransport;
  readonly settings: HaloTenantSettings;
  /**
   * How long a call may wait out throttling itself before throwing HaloThrottledError. Queue work
   * passes 0 (the message is re-delivered after the delay); interactive calls a few seconds.
   */
  readonly maxWaitMs: number;
  /** Attempts for idempotent reads on 5xx and network errors. */
  readonly readAttempts: number;
  /** Injected for tests; defaults to setTimeout. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_READ_ATTEMPTS = 4;
const BACKOFF_BASE_MS = 200;
const BACKOFF_CAP_MS = 4_000;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Capped exponential backoff with full jitter (AWS), as cloudflare/agents' `jitterBackoff`. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

const isTransient = (status: number) => status >= 500 || status === 408;

type Settled = Extract<GateResult, { kind: "response" | "network_error" }>;

/**
 * Sends through the gate, waiting out throttling while the caller's `maxWaitMs` allows, and
 * turns the configuration outcomes into errors.
 */
async function sendPatiently(halo: Halo, request: HaloRequest): Promise<Settled> {
  const sleep = halo.sleep ?? defaultSleep;
  let waited = 0;
  for (;;) {
    const result = await halo.transport.send(halo.settings, request);
    if (result.kind === "throttled") {
      if (waited + result.retryAfterMs > halo.maxWaitMs) {
        throw new HaloThrottledError(result.retryAfterMs, result.reason);
      }
      await sleep(result.retryAfterMs);
      waited += result.retryAfterMs;
      continue;
    }
    if (result.kind === "not_configured") {
      throw new AppError("SERVICE_UNAVAILABLE", `HaloPSA is not configured: ${result.message}`);
    }
    if (result.kind === "auth_error") {
      throw new AppError("EXTERNAL_API_ERROR", result.message, {
        details: { upstream: "halopsa", upstream_status: result.status, reason: "auth" },
      });
    }
    return result;
  }
}

/**
 * An idempotent request (GET, DELETE): 5xx and network errors are retried with capped backoff;
 * a 4xx is HaloPSA's answer and becomes EXTERNAL_API_ERROR with its message.
 */
export async function read(halo: Halo, request: HaloRequest): Promise<unknown> {
  const sleep = halo.sleep ?? defaultSleep;
  let last = "no attempt made";
  for (let attempt = 1; attempt <= halo.readAttempts; attempt++) {
    const result = await sendPatiently(halo, request);
    if (result.kind === "response") {
      if (result.status >= 200 && result.status < 300) return result.body;
      if (!isTransient(result.status)) {
        throw haloError(request, result.status, result.body, result.text);
      }
      last = `status ${result.status}`;
    } else {
      last = result.message;
    }
    if (attempt < halo.readAttempts) await sleep(backoffMs(attempt));
  }
  throw haloUnavailable(request, `${last} after ${halo.readAttempts} attempts`);
}

export type WriteOutcome =
  | { kind: "ok"; status: number; body: unknown }
  /** The write may or may not have happened: resolve it by looking the records up. */
  | { kind: "uncertain"; why: string };

/**
 * A POST upsert. Sent once: a 5xx or a lost response may have been written, so the caller must
 * look the records up by their external keys before sending them again (DESIGN principle 1).
 * Only a failure known to be before the send (the token step) is retried here.
 */
export async function write(halo: Halo, request: HaloRequest): Promise<WriteOutcome> {
  const sleep = halo.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    const result = await sendPatiently(halo, request);
    if (result.kind === "response") {
      if (result.status >= 200 && result.status < 300) {
        return { kind: "ok", status: result.status, body: result.body };
      }
      if (isTransient(result.status)) return { kind: "uncertain", why: `status ${result.status}` };
      throw haloError(request, result.status, result.body, result.text);
    }
    if (result.sent) return { kind: "uncertain", why: result.message };
    if (attempt >= halo.readAttempts) throw notSent(haloUnavailable(request, result.message));
    await sleep(backoffMs(attempt));
  }
}

/**
 * Marks an error as raised before a write reached HaloPSA: nothing was written, so the caller
 * need not look anything up next time.
 */
export function notSent(err: AppError): AppError {
  return new AppError(err.code, err.message, {
    details: { ...err.details, written: false },
    cause: err.cause,
  });
}

/** Whether `err` says the write it interrupted wrote nothing (see `notSent`). */
export function wroteNothing(err: unknown): boolean {
  return err instanceof AppError && err.details?.written === false;
}
