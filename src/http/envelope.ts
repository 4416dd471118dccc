import type { AppError, ErrorCode, ErrorDetails } from "../errors";

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
