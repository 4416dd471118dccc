import { createRoute, z } from "@hono/zod-openapi";
import { database } from "../db/client";
import { loadConfig } from "../db/config-repo";
import { receiverConfigured, receiverSecrets } from "../halo-inbound/auth";
import { authErrors, bearerSecurity, jsonResponse } from "../http/openapi-common";
import { newRouter } from "../http/router";
import { requireScope } from "../middleware/auth";

/**
 * Notification events the receiver acts on, with the numbers one HaloPSA client uses for them
 * (redanthrax's trigger node; halopsa-api.md §5, low confidence on the numbers, so the names
 * are what an admin picks in the UI).
 */
const EVENTS = [
  { name: "New Ticket Logged", eventno: 3, why: "a lead ticket created by hand is seen" },
  { name: "Ticket Updated by User", eventno: 19, why: "field edits, DNC custom field" },
  { name: "Ticket Status Changed", eventno: 76, why: "lifecycle stage and status, DNC status" },
  { name: "Ticket Deleted", eventno: 1072, why: "the lead is marked (config on_deleted)" },
] as const;

const SetupSchema = z
  .object({
    configured: z.boolean().openapi({
      description: "False until the secret HALO_WEBHOOK_PASSWORD is set: the receiver refuses all",
    }),
    where: z.string(),
    name: z.string(),
    payload_url: z.string(),
    webhook_type: z.string(),
    method: z.literal("POST"),
    content_type: z.literal("application/json"),
    authentication: z.object({
      type: z.literal("Basic Authentication"),
      username: z.string(),
      password: z.string().openapi({ description: "Where the password is kept; never the value" }),
      password_set: z.boolean(),
      path_token_set: z.boolean(),
    }),
    payload_type: z.string(),
    batching: z.string(),
    events: z.array(z.object({ name: z.string(), eventno: z.number().int(), why: z.string() })),
    conditions: z.string(),
    steps: z.array(z.string()),
  })
  .openapi("HaloWebhookSetup");

export const haloWebhookSetupRoutes = newRouter();

haloWebhookSetupRoutes.openapi(
  createRoute({
    method: "get",
    path: "/webhook-setup",
    tags: ["HaloPSA"],
    summary: "What to enter in HaloPSA to send its webhooks here (admin)",
    description:
      "HaloPSA webhooks are configured in its UI, not by this service. This answers the values " +
      "for Configuration > Integrations > Webhooks > New: the payload URL (with the path token " +
      "when one is configured), Basic authentication (the username; the password is the Worker " +
      "secret `HALO_WEBHOOK_PASSWORD`, never shown), the payload type and the events.",
    security: bearerSecurity,
    middleware: [requireScope("admin")] as const,
    responses: { 200: jsonResponse(SetupSchema, "The settings to enter"), ...authErrors },
  }),
  async (c) => {
    const secrets = receiverSecrets(c.env);
    const { config } = await loadConfig(database(c.env.DB));
    const origin = new URL(c.req.url).origin;
    const token = secrets.pathToken === "" ? "" : `/t/${encodeURIComponent(secrets.pathToken)}`;
    const url = `${origin}/api/v1/webhooks/halopsa${token}`;
    const lc = config.halopsa.lifecycle;
    const types = `${lc.lead.ticket_type_id}, ${lc.prospect.ticket_type_id}, ${lc.opportunity.ticket_type_id}`;
    const password =
      "the value of the Worker secret HALO_WEBHOOK_PASSWORD (wrangler secret put HALO_WEBHOOK_PASSWORD)";
    return c.json(
      {
        configured: receiverConfigured(secrets),
        where: "Configuration > Integrations > Webhooks > New",
        name: "LeadBridge",
        payload_url: url,
        webhook_type: "Standard webhook",
        method: "POST" as const,
        content_type: "application/json" as const,
        authentication: {
          type: "Basic Authentication" as const,
          username: secrets.username,
          password,
          password_set: secrets.password !== "",
          path_token_set: secrets.pathToken !== "",
        },
        payload_type:
          "Event information only (smallest; the ticket is re-read anyway). Small or full objects work too.",
        batching: "Any: one event per delivery or batched arrays are both accepted.",
        events: EVENTS.map((e) => ({ ...e })),
        conditions: `Optional: ticket type is one of ${types} (halopsa.lifecycle); tickets LeadBridge did not write are logged and ignored.`,
        steps: [
          "Open Configuration > Integrations > Webhooks and choose New.",
          `Name it "LeadBridge"; Payload URL: ${url}; Webhook Type: Standard webhook; Method: POST.`,
          `Authentication: Basic Authentication; Username: ${secrets.username}; Password: ${password}.`,
          "Payload type: Event information only. Batching: any setting.",
          `Events: ${EVENTS.map((e) => e.name).join(", ")}.`,
          "Save, then change a lead ticket's status: GET /api/v1/audit?action=halopsa.webhook_received shows the delivery.",
        ],
      },
      200,
    );
  },
);
