import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The seed's error codes, each with the one HTTP status it is answered with. */
export const ERROR_STATUS = {
  VALIDATION_ERROR: 400,
  AUTHENTICATION_ERROR: 401,
  AUTHORIZATION_ERROR: 403,
  RESOURCE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMIT_EXCEEDED: 429,
  INTERNAL_ERROR: 500,
  EXTERNAL_API_ERROR: 502,
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorDetails {
  field?: string;
  [key: string]: unknown;
}

/**
 * The one error type the service throws on purpose. `message` is safe to show to the caller;
 * anything internal goes in `cause`, which is logged but never answered.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: ErrorDetails; cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.details = options.details;
    this.headers = options.headers;
  }

  get status(): ContentfulStatusCode {
    return ERROR_STATUS[this.code];
  }
}

export interface ErrorEnvelope {
  error: {
    code: ErrorCode;
    message: string;
    details: ErrorDetails | null;
    timestamp: string;
    request_id: string;
  };
}

export function errorEnvelope(err: AppError, requestId: string, now: Date): ErrorEnvelope {
  return {
    error: {
      code: err.code,
      message: err.message,
      details: err.details ?? null,
      timestamp: now.toISOString(),
      request_id: requestId,
    },
  };
}

/** Turns a zod issue path into the dotted field name callers see (`leads.3.email`). */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join(".");
}
