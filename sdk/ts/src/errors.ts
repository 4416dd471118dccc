/** The error envelope every LeadBridge error answer carries. */
export interface ErrorEnvelope {
  code: string;
  message: string;
  details: { field?: string; [key: string]: unknown } | null;
  timestamp: string | null;
  request_id: string | null;
}

/**
 * Every failed call throws one of these. `code` is the API's machine-readable code
 * (`VALIDATION_ERROR`, `RESOURCE_NOT_FOUND`, …) or `NETWORK_ERROR` / `INVALID_RESPONSE` when no
 * envelope came back; `requestId` is what to quote to support.
 */
export class LeadBridgeError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorEnvelope["details"];
  readonly requestId: string | null;
  readonly timestamp: string | null;
  /** Seconds the server asked to wait (429/503), when it said. */
  readonly retryAfter: number | null;

  constructor(
    status: number,
    envelope: ErrorEnvelope,
    options: { retryAfter?: number | null; cause?: unknown } = {},
  ) {
    super(envelope.message, { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.code = envelope.code;
    this.details = envelope.details;
    this.requestId = envelope.request_id;
    this.timestamp = envelope.timestamp;
    this.retryAfter = options.retryAfter ?? null;
  }

  /** The envelope as the API sent it (or as the SDK built it for a network failure). */
  toJSON(): { status: number; error: ErrorEnvelope } {
    return {
      status: this.status,
      error: {
        code: this.code,
        message: this.message,
        details: this.details,
        timestamp: this.timestamp,
        request_id: this.requestId,
      },
    };
  }
}

export class ValidationError extends LeadBridgeError {}
export class AuthenticationError extends LeadBridgeError {}
export class AuthorizationError extends LeadBridgeError {}
export class NotFoundError extends LeadBridgeError {}
export class ConflictError extends LeadBridgeError {}
export class RateLimitError extends LeadBridgeError {}
export class ServerError extends LeadBridgeError {}
export class NetworkError extends LeadBridgeError {}

const BY_STATUS: Record<number, typeof LeadBridgeError> = {
  400: ValidationError,
  401: AuthenticationError,
  403: AuthorizationError,
  404: NotFoundError,
  409: ConflictError,
  422: ValidationError,
  429: RateLimitError,
};

export function errorFor(
  status: number,
  envelope: ErrorEnvelope,
  retryAfter: number | null,
): LeadBridgeError {
  const Type = BY_STATUS[status] ?? (status >= 500 ? ServerError : LeadBridgeError);
  return new Type(status, envelope, { retryAfter });
}

/** Reads `{error:{…}}` from a body; a body without one (a proxy's HTML page) still gives a code. */
export function parseEnvelope(
  status: number,
  body: unknown,
  requestId: string | null,
): ErrorEnvelope {
  const e = isObject(body) && isObject(body.error) ? body.error : null;
  const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
  return {
    code: str(e?.code) ?? (status === 404 ? "RESOURCE_NOT_FOUND" : `HTTP_${status}`),
    message: str(e?.message) ?? `HTTP ${status}`,
    details: isObject(e?.details) ? (e.details as ErrorEnvelope["details"]) : null,
    timestamp: str(e?.timestamp),
    request_id: str(e?.request_id) ?? requestId,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
