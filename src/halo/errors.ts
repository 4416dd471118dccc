import { AppError } from "../errors";
import type { HaloRequest } from "./types";

const MAX_MESSAGE = 300;

/**
 * HaloPSA's own words for a failure: 400 bodies are objects keyed by field path
 * (`{"[0].summary": "..."}`, halopsa-api.md §3.5), server errors carry `Message`, 429s and some
 * others are plain text.
 */
export function haloMessage(body: unknown, text: string): string {
  if (typeof body === "object" && body !== null && !Array.isArray(body)) {
    const entries = Object.entries(body);
    const message = entries.find(([k]) => /^(message|error_description|error)$/i.test(k));
    if (message && typeof message[1] === "string") return message[1].slice(0, MAX_MESSAGE);
    const fields = entries
      .filter(([, v]) => typeof v === "string")
      .map(([k, v]) => (k ? `${k}: ${String(v)}` : String(v)));
    if (fields.length > 0) return fields.join("; ").slice(0, MAX_MESSAGE);
  }
  return text.trim().slice(0, MAX_MESSAGE) || "no message";
}

/** A HaloPSA refusal, as the API's EXTERNAL_API_ERROR (502) with HaloPSA's message. */
export function haloError(
  request: Pick<HaloRequest, "method" | "path">,
  status: number,
  body: unknown,
  text: string,
): AppError {
  const message = haloMessage(body, text);
  return new AppError(
    "EXTERNAL_API_ERROR",
    `HaloPSA answered ${status} to ${request.method} ${request.path}: ${message}`,
    {
      details: {
        upstream: "halopsa",
        upstream_status: status,
        upstream_message: message,
        ...(typeof body === "object" && body !== null && !Array.isArray(body)
          ? { upstream_errors: body }
          : {}),
      },
    },
  );
}

/** HaloPSA could not be reached, or kept failing after the retries. */
export function haloUnavailable(
  request: Pick<HaloRequest, "method" | "path">,
  why: string,
): AppError {
  return new AppError(
    "EXTERNAL_API_ERROR",
    `HaloPSA failed on ${request.method} ${request.path}: ${why}`,
    {
      details: { upstream: "halopsa", reason: why },
    },
  );
}

/** A response that does not have the shape HaloPSA documents. */
export function haloShapeError(
  request: Pick<HaloRequest, "method" | "path">,
  issue: string,
): AppError {
  return new AppError(
    "EXTERNAL_API_ERROR",
    `HaloPSA sent an unexpected response to ${request.method} ${request.path}: ${issue}`,
    { details: { upstream: "halopsa", reason: "unexpected_response" } },
  );
}

/**
 * The tenant's rate limit leaves no room now. Queue consumers re-deliver the message after
 * `retryAfterMs`; an interactive request answers 503 with Retry-After.
 */
export class HaloThrottledError extends AppError {
  readonly retryAfterMs: number;
  /**
   * Whether the operation that was cut short had already sent a write (an earlier chunk of an
   * upsert): if so, a retry must look its records up first (`mayExist`). The throttled request
   * itself was never processed — refused by the gate, or answered 429 by HaloPSA.
   */
  readonly maybeWritten: boolean;

  constructor(retryAfterMs: number, reason: string, maybeWritten = false) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super(
      "SERVICE_UNAVAILABLE",
      `HaloPSA's rate limit is spent (${reason}); retry in ${seconds} s`,
      {
        details: { upstream: "halopsa", retry_after_ms: retryAfterMs, reason },
        headers: { "Retry-After": String(seconds) },
      },
    );
    this.name = "HaloThrottledError";
    this.retryAfterMs = retryAfterMs;
    this.maybeWritten = maybeWritten;
  }
}
