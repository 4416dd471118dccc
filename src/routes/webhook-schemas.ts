import { z } from "@hono/zod-openapi";
import type { AttemptRow, DeliveryRow, SubscriptionRow } from "../db/webhooks-repo";
import { EVENT_TYPES } from "../domain/webhook-events";

export const WebhookIdParam = z.object({
  id: z
    .string()
    .regex(/^wh_[0-9a-z]{26}$/)
    .openapi({ param: { name: "id", in: "path" }, example: "wh_01jd2w3x4y5z6a7b8c9d0e1f2g" }),
});

export const DeliveryParams = WebhookIdParam.extend({
  delivery_id: z
    .string()
    .regex(/^dlv_[0-9a-z]{26}$/)
    .openapi({ param: { name: "delivery_id", in: "path" } }),
});

const EventSelector = z
  .enum([...EVENT_TYPES, "*"])
  .openapi({ description: 'An event type, or "*" for every event' });

const Url = z
  .string()
  .trim()
  .min(1)
  .max(2048)
  .openapi({
    description:
      "https only (plain http://localhost only in local development); no credentials in the " +
      "URL; no private, loopback, link-local, CGNAT, multicast or reserved addresses. Redirects " +
      "are never followed.",
    example: "https://your-app.com/webhooks/leadbridge",
  });

const Secret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/)
  .openapi({
    description: "whsec_ + base64 of 24–64 random bytes",
    example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  });

export const CreateWebhookSchema = z
  .object({
    url: Url,
    events: z
      .array(EventSelector)
      .min(1)
      .max(EVENT_TYPES.length + 1),
    secret: Secret.optional().openapi({
      description: "Your own signing secret (whsec_ + base64); generated when omitted",
    }),
    description: z.string().trim().max(500).optional(),
    enabled: z.boolean().optional(),
    active: z.boolean().optional().openapi({ description: "The seed's name for `enabled`" }),
  })
  .strict()
  .openapi("CreateWebhook");

export const UpdateWebhookSchema = z
  .object({
    url: Url.optional(),
    events: z
      .array(EventSelector)
      .min(1)
      .max(EVENT_TYPES.length + 1)
      .optional(),
    description: z.string().trim().max(500).nullable().optional(),
    enabled: z
      .boolean()
      .optional()
      .openapi({ description: "true re-enables a disabled endpoint (and clears its failure)" }),
    active: z.boolean().optional().openapi({ description: "The seed's name for `enabled`" }),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: "Nothing to change" })
  .openapi("UpdateWebhook");

export const RotateSecretSchema = z
  .object({
    secret: Secret.optional().openapi({ description: "The new secret; generated when omitted" }),
    overlap_seconds: z.number().int().min(0).max(604_800).default(86_400).openapi({
      description: "How long the old secret keeps signing next to the new one (default 24 h)",
    }),
  })
  .strict()
  .openapi("RotateWebhookSecret");

export const ReplaySinceSchema = z
  .object({
    since: z.iso.datetime({ offset: true }).openapi({
      description: "Replay every failed delivery created at or after this time",
    }),
  })
  .strict()
  .openapi("ReplayWebhookDeliveries");

export const WebhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().nullable(),
    enabled: z.boolean(),
    active: z.boolean().openapi({ description: "Same as `enabled` (the seed's name)" }),
    disabled_reason: z.string().nullable(),
    disabled_at: z.string().nullable(),
    failing_since: z
      .string()
      .nullable()
      .openapi({ description: "First failure since the last success; disabled after 5 days" }),
    previous_secret_expires_at: z
      .string()
      .nullable()
      .openapi({ description: "Until then the previous secret also signs (rotation overlap)" }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Webhook");

export const CreatedWebhookSchema = WebhookSchema.extend({
  secret: z.string().openapi({ description: "The signing secret. Shown only in this answer." }),
}).openapi("CreatedWebhook");

export const AttemptSchema = z
  .object({
    attempt: z.number().int(),
    at: z.string(),
    status_code: z.number().int().nullable(),
    latency_ms: z.number().int().nullable(),
    response: z.string().nullable().openapi({ description: "The first 1 KB of the answer" }),
    error: z.string().nullable(),
  })
  .openapi("WebhookAttempt");

export const DeliverySchema = z
  .object({
    id: z.string(),
    event_id: z.string(),
    event_type: z.string(),
    status: z.enum(["pending", "succeeded", "failed"]),
    attempts: z.number().int(),
    next_attempt_at: z.string().nullable(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    log: z.array(AttemptSchema),
  })
  .openapi("WebhookDelivery");

export function toWebhook(row: SubscriptionRow, now: Date): z.infer<typeof WebhookSchema> {
  const overlap =
    row.previousSecretExpiresAt && Date.parse(row.previousSecretExpiresAt) > now.getTime()
      ? row.previousSecretExpiresAt
      : null;
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    enabled: row.enabled,
    active: row.enabled,
    disabled_reason: row.disabledReason,
    disabled_at: row.disabledAt,
    failing_since: row.failingSince,
    previous_secret_expires_at: overlap,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

export function toDelivery(
  row: DeliveryRow & { eventType: string },
  log: AttemptRow[],
): z.infer<typeof DeliverySchema> {
  return {
    id: row.id,
    event_id: row.eventId,
    event_type: row.eventType,
    status: row.status as z.infer<typeof DeliverySchema>["status"],
    attempts: row.attempts,
    next_attempt_at: row.nextAttemptAt,
    last_status_code: row.lastStatusCode,
    last_error: row.lastError,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    log: log.map((a) => ({
      attempt: a.attempt,
      at: a.at,
      status_code: a.statusCode,
      latency_ms: a.latencyMs,
      response: a.response,
      error: a.error,
    })),
  };
}
