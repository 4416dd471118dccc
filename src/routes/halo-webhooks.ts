import { createRoute, type RouteConfig, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { database } from "../db/client";
import { AppError } from "../errors";
import { authenticateHalo, receiverSecrets } from "../halo-inbound/auth";
import { receiveHaloWebhook } from "../halo-inbound/receive";
import { errorResponse, jsonResponse, unavailableError } from "../http/openapi-common";
import { newRouter } from "../http/router";
import type { AppEnv } from "../http/types";

/** The scheme name in the OpenAPI document (registered in src/app.ts). */
export const HALO_WEBHOOK_SECURITY = "haloWebhookBasic";
const CHALLENGE = { "WWW-Authenticate": 'Basic realm="leadbridge-halopsa", charset="UTF-8"' };

const ReceiptSchema = z
  .object({
    received: z.number().int().openapi({ description: "Payload objects in the body" }),
    accepted: z.number().int().openapi({ description: "New deliveries, queued for processing" }),
    duplicates: z
      .number()
      .int()
      .openapi({ description: "Delivery ids seen before: dropped, no second effect" }),
    rejected: z
      .number()
      .int()
      .openapi({ description: "Unreadable payloads: logged in the error log, not retried" }),
    ignored: z
      .number()
      .int()
      .openapi({ description: "Events about neither a ticket nor a user: logged" }),
  })
  .openapi("HaloWebhookReceipt");

// Documented, not validated: a malformed body from HaloPSA is answered 200 and logged (a 4xx
// could make Halo re-send it forever), so the handler reads the raw text itself.
const PAYLOAD_SCHEMA = {
  type: "object",
  description:
    "A HaloPSA webhook payload: full (`id`, `webhook_id`, `notification_id`, `escmsg_id`, " +
    "`event`, `message`, `object_id`, `agent_id`, `timestamp`, `ticket`) or event-only (`id`, " +
    "`event`, `object_id`, `webhook_id`). `id` is the delivery id used for de-duplication.",
  required: ["id"],
  properties: {
    id: { type: "string", description: "Delivery id (GUID)" },
    event: { type: "string", examples: ["ticket status changed"] },
    object_id: { type: "integer", description: "The ticket (or user) the event is about" },
    webhook_id: { type: "string" },
    ticket: { type: "object", description: "Ignored: the ticket is re-read from HaloPSA" },
  },
};

const description = (withToken: boolean) =>
  "HaloPSA's outgoing webhook (Configuration > Integrations > Webhooks) posts here with " +
  "Basic authentication; `GET /api/v1/halo/webhook-setup` says what to enter. The body is " +
  "one payload object or a batched array, full or event-only. Each delivery id is taken " +
  "once (a replay has no second effect); the tickets are then re-read from HaloPSA and " +
  "applied from the jobs queue: lifecycle stage and status, manual edits, deletions and " +
  "Do-Not-Contact. The answer is immediate. An authenticated body that cannot be read is " +
  "answered 200 and logged in the error log, so HaloPSA does not re-send it forever. " +
  "`Idempotency-Key` is ignored: the delivery id is the idempotency key." +
  (withToken
    ? " This form carries the deployment's path token (`HALO_WEBHOOK_PATH_TOKEN`)."
    : " When a path token is configured, only the form with the token is accepted.");

const common = {
  method: "post" as const,
  tags: ["HaloPSA webhooks"],
  security: [{ [HALO_WEBHOOK_SECURITY]: [] as string[] }],
  responses: {
    200: jsonResponse(ReceiptSchema, "Taken (or logged as unreadable); processing is queued"),
    401: errorResponse("Wrong or missing Basic credentials or path token"),
    ...unavailableError("The jobs queue could not take the deliveries; HaloPSA may re-send"),
  },
};

type RequestBody = NonNullable<NonNullable<RouteConfig["request"]>["body"]>;
const body = {
  required: true,
  content: {
    "application/json": {
      schema: { oneOf: [PAYLOAD_SCHEMA, { type: "array", items: PAYLOAD_SCHEMA }] },
    },
  },
} as RequestBody;

async function receive(c: Context<AppEnv>, token: string | undefined) {
  const ok = await authenticateHalo(receiverSecrets(c.env), c.req.header("Authorization"), token);
  if (!ok) {
    throw new AppError("AUTHENTICATION_ERROR", "Invalid HaloPSA webhook credentials", {
      headers: CHALLENGE,
    });
  }
  const text = await c.req.text();
  try {
    const receipt = await receiveHaloWebhook(
      c.env,
      database(c.env.DB),
      text,
      c.var.requestId,
      new Date(),
    );
    return c.json(receipt, 200);
  } catch (err) {
    throw new AppError("SERVICE_UNAVAILABLE", "Could not queue the deliveries; send again", {
      cause: err,
      headers: { "Retry-After": "60" },
    });
  }
}

/** Mounted at /webhooks before the subscription routes, whose admin-key check it must not meet. */
export const haloWebhookRoutes = newRouter();

haloWebhookRoutes.openapi(
  createRoute({
    ...common,
    path: "/halopsa",
    summary: "Receive HaloPSA webhooks",
    description: description(false),
    request: { body },
  }),
  (c) => receive(c, undefined),
);

haloWebhookRoutes.openapi(
  createRoute({
    ...common,
    // `t/`: a bare `/halopsa/{token}` would read as ambiguous with `/{id}/test` and its kin.
    path: "/halopsa/t/{token}",
    summary: "Receive HaloPSA webhooks (with the path token)",
    description: description(true),
    request: {
      params: z.object({ token: z.string().openapi({ description: "The path token" }) }),
      body,
    },
  }),
  (c) => receive(c, c.req.valid("param").token),
);
