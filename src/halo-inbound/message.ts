import { z } from "zod";

/**
 * HaloPSA webhook deliveries accepted by POST /webhooks/halopsa, to apply from the jobs queue:
 * up to 100 per message, so the tickets they name are re-read in one HaloPSA call.
 */
export const HaloWebhookMessage = z.object({
  type: z.literal("halo.webhook"),
  events: z
    .array(
      z.object({
        delivery_id: z.string().min(1).max(100),
        event: z.string().max(200),
        object_id: z.number().int().positive(),
        kind: z.enum(["ticket", "user"]),
      }),
    )
    .min(1)
    .max(100),
});
export type HaloWebhookMessage = z.infer<typeof HaloWebhookMessage>;
