import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "@hono/zod-openapi";
import {
  EVENT_DATA,
  EVENT_DESCRIPTIONS,
  EVENT_TYPES,
  type EventType,
} from "../domain/webhook-events";
import type { AppEnv } from "../http/types";

const SignatureHeaders = z.object({
  "webhook-id": z.string().openapi({ description: "The event id; the same on every retry" }),
  "webhook-timestamp": z.string().openapi({ description: "Unix seconds of this attempt" }),
  "webhook-signature": z.string().openapi({
    description:
      "Space-separated `v1,<base64 HMAC-SHA256 of id.timestamp.body>`; two during a secret rotation",
  }),
});

function eventEnvelopeSchema<T extends EventType>(type: T) {
  return z
    .object({
      id: z.string().openapi({
        description: "Event id (also the webhook-id header): the same on every retry; dedupe on it",
      }),
      type: z.literal(type),
      occurred_at: z.string().openapi({ description: "When the change happened (ISO 8601)" }),
      data: EVENT_DATA[type],
    })
    .openapi(`WebhookEvent_${type.replace(".", "_")}`);
}

/**
 * Every event LeadBridge sends, as OpenAPI 3.1 `webhooks`: what a subscriber receives (the
 * body and the Standard Webhooks headers) and what its answer means.
 */
export function registerWebhookEvents(app: OpenAPIHono<AppEnv>): void {
  for (const type of EVENT_TYPES) {
    app.openAPIRegistry.registerWebhook({
      method: "post",
      path: type,
      tags: ["Webhook events"],
      summary: type,
      description: `${EVENT_DESCRIPTIONS[type]} Verify the signature over the raw body before parsing; dedupe on \`id\`; ordering is not guaranteed.`,
      request: {
        headers: SignatureHeaders,
        body: { content: { "application/json": { schema: eventEnvelopeSchema(type) } } },
      },
      responses: {
        200: { description: "Any 2xx within 10 s acknowledges the delivery" },
        410: { description: "Gone: LeadBridge disables this endpoint and stops sending" },
        500: {
          description:
            "Any other status, a timeout or a redirect is a failure: retried after about 5 s, " +
            "5 min, 30 min, 2 h, 5 h and 10 h (with jitter), then recorded as failed",
        },
      },
    });
  }
}
