/**
 * When a failed delivery is tried again: Svix's schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
 * 10 h — about 27.6 hours in all, so a receiver that is down for a whole day still gets the
 * event) with ±20% jitter so endpoints that failed together do not all come back at once. Each delay is a Queues `delaySeconds`, which Cloudflare
 * caps at 12 hours, so no step may exceed it even with jitter.
 *
 * The deliveries queue's `max_retries` (wrangler.jsonc) equals the schedule's length: the
 * attempt after the last step fails, the message is retried once more without delay and Queues
 * moves it to the dead-letter queue.
 */
export const RETRY_SCHEDULE_SECONDS = [5, 300, 1800, 7200, 18000, 36000, 36000] as const;
export const MAX_QUEUE_DELAY_SECONDS = 12 * 60 * 60;
const JITTER = 0.2;

/** An endpoint failing without a single success for this long is disabled. */
export const DISABLE_AFTER_MS = 5 * 24 * 60 * 60 * 1000;

/** Per-attempt timeout: a receiver should answer fast and process later. */
export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The delay before the next attempt after attempt number `attempt` (1-based, the queue
 * message's `attempts`) failed, or null when the schedule is spent. `random` is in [0, 1).
 * A receiver's Retry-After (429/503) is honoured when it asks for longer.
 */
export function retryDelaySeconds(
  attempt: number,
  random: number,
  retryAfterSeconds: number | null = null,
): number | null {
  const base = RETRY_SCHEDULE_SECONDS[attempt - 1];
  if (base === undefined) return null;
  const jittered = Math.round(base * (1 - JITTER + 2 * JITTER * random));
  const wanted = Math.max(1, jittered, retryAfterSeconds ?? 0);
  return Math.min(MAX_QUEUE_DELAY_SECONDS, wanted);
}

export type AttemptVerdict = "succeeded" | "gone" | "retry";

/** 2xx is success; 410 means "stop sending" (the endpoint is disabled); anything else retries. */
export function verdictOf(status: number | null): AttemptVerdict {
  if (status !== null && status >= 200 && status < 300) return "succeeded";
  if (status === 410) return "gone";
  return "retry";
}

/** Retry-After as seconds (delta or HTTP date), or null. */
export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}
