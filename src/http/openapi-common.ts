import { z } from "@hono/zod-openapi";
import { ERROR_STATUS } from "../errors";

export const ErrorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS]),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).nullable(),
      timestamp: z.string(),
      request_id: z.string(),
    }),
  })
  .openapi("Error");

export const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorEnvelopeSchema } },
});

const integerHeader = (description: string) => ({
  description,
  schema: { type: "integer" as const },
});

/** The `X-RateLimit-*` headers every authenticated answer carries (src/middleware/rate-limit.ts). */
export const rateLimitHeaders = {
  "X-RateLimit-Limit": integerHeader("Requests allowed in the current window"),
  "X-RateLimit-Remaining": integerHeader("Requests left in the current window"),
  "X-RateLimit-Reset": integerHeader("When the window resets, in epoch seconds"),
};

/** The error answers every authenticated route can give, for the OpenAPI document. */
export const authErrors = {
  401: errorResponse("Missing, unknown or revoked API key"),
  403: errorResponse("The API key lacks the required scope"),
  429: {
    ...errorResponse(
      "Over one of the API key's rate limits (`details.limit` names it); the `X-RateLimit-*` " +
        "headers describe that limit",
    ),
    headers: {
      ...rateLimitHeaders,
      "Retry-After": integerHeader("Seconds to wait before retrying"),
    },
  },
} as const;

export const bodyErrors = {
  400: errorResponse("Invalid input; `details.field` names the field at fault"),
  413: errorResponse("Body too large"),
  415: errorResponse("Body is not of a media type the route accepts"),
} as const;

/** What a POST with an `Idempotency-Key` can answer besides its own statuses. */
export const idempotencyErrors = {
  409: errorResponse("A request with this Idempotency-Key is still being processed"),
  422: errorResponse("This Idempotency-Key was already used with a different request"),
} as const;

export const notFoundError = { 404: errorResponse("No such resource") } as const;
export const conflictError = { 409: errorResponse("Conflicting concurrent change") } as const;
export const idempotencyReuseError = {
  422: errorResponse("The Idempotency-Key was already used with a different request"),
} as const;
export const upstreamError = { 502: errorResponse("HaloPSA or a provider failed") } as const;
export const unavailableError = (description: string) =>
  ({ 503: errorResponse(`${description}; retry after Retry-After`) }) as const;

export const jsonBody = <T extends z.ZodType>(schema: T, description?: string) => ({
  required: true,
  ...(description ? { description } : {}),
  content: { "application/json": { schema } },
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const bearerSecurity = [{ bearerAuth: [] }];
