import type { ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { database } from "../db/client";
import { recordError } from "../db/error-log-repo";
import { AppError, type ErrorCode } from "../errors";
import { errorEnvelope } from "./envelope";
import type { RouteTable } from "./route-table";
import type { AppEnv } from "./types";

/** Maps framework exceptions (Hono's body parser, body limit) onto the API's error codes. */
function fromHttpException(err: HTTPException): AppError {
  const byStatus: Partial<Record<number, ErrorCode>> = {
    400: "VALIDATION_ERROR",
    401: "AUTHENTICATION_ERROR",
    403: "AUTHORIZATION_ERROR",
    404: "RESOURCE_NOT_FOUND",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
  };
  const code = byStatus[err.status] ?? "INTERNAL_ERROR";
  const malformed = /malformed json/i.test(err.message);
  return new AppError(code, malformed ? "Request body is not valid JSON" : err.message, {
    details: malformed ? { field: "body" } : {},
  });
}

export const onError: ErrorHandler<AppEnv> = (err, c) => {
  const requestId = c.get("requestId") ?? `req_${crypto.randomUUID()}`;
  let appError: AppError;
  if (err instanceof AppError) appError = err;
  else if (err instanceof HTTPException) appError = fromHttpException(err);
  else appError = new AppError("INTERNAL_ERROR", "An unexpected error occurred", { cause: err });

  if (appError.status >= 500) {
    // Internal detail goes to the log and the error table, never to the caller.
    const cause = appError.cause ?? appError;
    const message = cause instanceof Error ? cause.message : String(cause);
    console.error(
      JSON.stringify({ level: "error", request_id: requestId, code: appError.code, message }),
    );
    c.executionCtx.waitUntil(
      recordError(database(c.env.DB), {
        level: "error",
        code: appError.code,
        message,
        source: `${c.req.method} ${c.req.routePath}`,
        requestId,
      }).catch(() => undefined),
    );
  }
  for (const [name, value] of Object.entries(appError.headers ?? {})) c.header(name, value);
  c.header("X-Request-Id", requestId);
  return c.json(errorEnvelope(appError, requestId, new Date()), appError.status);
};

/**
 * No route matched: 405 with `Allow` when the path is served for other methods, else 404.
 */
export function notFound(routes: RouteTable): NotFoundHandler<AppEnv> {
  return (c) => {
    const requestId = c.get("requestId") ?? `req_${crypto.randomUUID()}`;
    const methods = routes.methodsFor(c.req.path);
    const err =
      methods.length > 0
        ? new AppError("METHOD_NOT_ALLOWED", `${c.req.method} is not served at ${c.req.path}`, {
            details: { field: "method", value: c.req.method, allowed: methods },
          })
        : new AppError("RESOURCE_NOT_FOUND", `No route for ${c.req.method} ${c.req.path}`, {
            details: { field: "path", value: c.req.path },
          });
    if (methods.length > 0) c.header("Allow", [...methods, "OPTIONS"].join(", "));
    c.header("X-Request-Id", requestId);
    return c.json(errorEnvelope(err, requestId, new Date()), err.status);
  };
}
