import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type AuditEntry, auditStatement } from "../db/audit";
import { database } from "../db/client";
import { eventInserts, newEvent } from "../db/outbox-repo";
import {
  attemptsOf,
  deleteSubscription,
  failedDeliveriesSince,
  findDelivery,
  findSubscription,
  insertAuditedSubscription,
  insertDeliveriesStatements,
  listDeliveries,
  listSubscriptions,
  replayStatements,
  type SubscriptionRow,
  subscriptionAuditStatement,
  type updateSubscription,
  updateSubscriptionStatement,
} from "../db/webhooks-repo";
import { AppError } from "../errors";
import {
  authErrors,
  bearerSecurity,
  bodyErrors,
  errorResponse,
  idempotencyErrors,
  jsonBody,
  jsonResponse,
  notFoundError,
  unavailableError,
} from "../http/openapi-common";
import { PageQuerySchema, PaginationSchema, page } from "../http/paging";
import { newRouter } from "../http/router";
import type { AppEnv } from "../http/types";
import { newId } from "../ids";
import { requireScope } from "../middleware/auth";
import { idempotency } from "../middleware/idempotency";
import { enqueueDeliveries } from "../webhooks/dispatch";
import { logWebhookError } from "../webhooks/errors-log";
import { sealForSubscription, sealingProblem } from "../webhooks/secrets";
import { generateSecret, isValidSecret } from "../webhooks/signing";
import { checkEndpointUrl } from "../webhooks/target";
import {
  CreatedWebhookSchema,
  CreateWebhookSchema,
  DeliveryParams,
  DeliverySchema,
  ReplaySinceSchema,
  RotateSecretSchema,
  toDelivery,
  toWebhook,
  UpdateWebhookSchema,
  WebhookIdParam,
  WebhookSchema,
} from "./webhook-schemas";

const TAGS = ["Webhooks"];
/** Replay-since works through at most this many deliveries per call (repeat for more). */
const MAX_REPLAY = 1000;

export const webhooksRoutes = newRouter();
webhooksRoutes.use("*", requireScope("admin"));

type Ctx = Context<AppEnv>;

/** The URL guard at registration: a refused URL is a 400 naming the rule that refused it. */
function assertAllowedUrl(c: Ctx, url: string): void {
  const verdict = checkEndpointUrl(c.env, url, [new URL(c.req.url).hostname]);
  if (!verdict.ok) {
    throw new AppError("VALIDATION_ERROR", `url refused: ${verdict.reason}`, {
      details: { field: "url", reason: verdict.code },
    });
  }
}

/** Secrets are stored sealed (src/security/secret-box.ts): no key, no new secret. */
function assertSealable(c: Ctx): void {
  const problem = sealingProblem(c.env);
  if (problem) {
    throw new AppError("SERVICE_UNAVAILABLE", `Webhook secrets cannot be stored: ${problem}`, {
      details: { field: "WEBHOOK_SECRETS_KEY" },
    });
  }
}

const sealingError = unavailableError("WEBHOOK_SECRETS_KEY is not configured");

function assertSecret(secret: string | undefined): void {
  if (secret !== undefined && !isValidSecret(secret)) {
    throw new AppError("VALIDATION_ERROR", "secret must be whsec_ + base64 of 24-64 bytes", {
      details: { field: "secret" },
    });
  }
}

async function mustFind(c: Ctx, id: string): Promise<SubscriptionRow> {
  const row = await findSubscription(database(c.env.DB), id);
  if (!row) {
    throw new AppError("RESOURCE_NOT_FOUND", "No webhook with this id", {
      details: { field: "id", value: id },
    });
  }
  return row;
}

function audit(c: Ctx, action: string, id: string, detail?: unknown): AuditEntry {
  return {
    actor: c.var.principal.keyId,
    action,
    entity: "webhook",
    entityId: id,
    detail,
    requestId: c.var.requestId,
  };
}

/** Queue sends happen after the answer; a failed send is picked up by the cron sweep. */
function sendLater(c: Ctx, ids: string[]): void {
  const work = enqueueDeliveries(c.env, ids).catch((err) =>
    logWebhookError(c.env, "WEBHOOK_ENQUEUE_FAILED", String(err), { delivery_ids: ids }),
  );
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // No execution context (called outside a request): the promise still runs.
  }
}

function assertEnabled(row: SubscriptionRow): void {
  if (!row.enabled) {
    throw new AppError("CONFLICT", "The webhook is disabled; enable it first (PATCH enabled)", {
      details: { field: "enabled", disabled_reason: row.disabledReason },
    });
  }
}

webhooksRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: TAGS,
    summary: "Register a webhook endpoint",
    description:
      "Deliveries are signed with Standard Webhooks headers (webhook-id, webhook-timestamp, " +
      "webhook-signature). When no secret is given one is generated; either way the secret is " +
      "shown only in this answer.",
    security: bearerSecurity,
    middleware: [idempotency] as const,
    request: { body: jsonBody(CreateWebhookSchema) },
    responses: {
      201: jsonResponse(CreatedWebhookSchema, "Registered; the secret is shown only here"),
      ...bodyErrors,
      ...authErrors,
      ...idempotencyErrors,
      ...sealingError,
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    assertAllowedUrl(c, body.url);
    assertSecret(body.secret);
    assertSealable(c);
    const db = database(c.env.DB);
    const now = new Date();
    const secret = body.secret ?? generateSecret();
    const id = newId("wh", now.getTime());
    const events = [...new Set(body.events)];
    // The endpoint and its audit entry commit together: none exists unaudited.
    const row = await insertAuditedSubscription(
      db,
      {
        id,
        url: body.url,
        events,
        description: body.description ?? null,
        secret: await sealForSubscription(c.env, id, secret),
        enabled: body.enabled ?? body.active ?? true,
        createdBy: c.var.principal.keyId,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      },
      audit(c, "webhook.created", id, { url: body.url, events }),
      now,
    );
    return c.json({ ...toWebhook(row, now), secret }, 201);
  },
);

webhooksRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: TAGS,
    summary: "List webhook endpoints (never their secrets)",
    security: bearerSecurity,
    responses: {
      200: jsonResponse(z.object({ webhooks: z.array(WebhookSchema) }), "Newest first"),
      ...authErrors,
    },
  }),
  async (c) => {
    const now = new Date();
    const rows = await listSubscriptions(database(c.env.DB));
    return c.json({ webhooks: rows.map((r) => toWebhook(r, now)) }, 200);
  },
);

webhooksRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags: TAGS,
    summary: "One webhook endpoint",
    security: bearerSecurity,
    request: { params: WebhookIdParam },
    responses: {
      200: jsonResponse(WebhookSchema, "The endpoint"),
      ...bodyErrors,
      ...authErrors,
      ...notFoundError,
    },
  }),
  async (c) => {
    const row = await mustFind(c, c.req.valid("param").id);
    return c.json(toWebhook(row, new Date()), 200);
  },
);

webhooksRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags: TAGS,
    summary: "Change a webhook's URL, events, description or enabled state",
    security: bearerSecurity,
    request: { params: WebhookIdParam, body: jsonBody(UpdateWebhookSchema) },
    responses: {
      200: jsonResponse(WebhookSchema, "Updated"),
      ...bodyErrors,
      ...authErrors,
      ...notFoundError,
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const current = await mustFind(c, id);
    if (body.url !== undefined) assertAllowedUrl(c, body.url);
    const now = new Date();
    const at = now.toISOString();
    const enabled = body.enabled ?? body.active;
    const patch: Parameters<typeof updateSubscription>[2] = { updatedAt: at };
    if (body.url !== undefined) patch.url = body.url;
    if (body.events !== undefined) patch.events = [...new Set(body.events)];
    if (body.description !== undefined) patch.description = body.description;
    if (enabled === true && !current.enabled) {
      Object.assign(patch, {
        enabled: true,
        disabledReason: null,
        disabledAt: null,
        failingSince: null,
      });
    }
    if (enabled === false && current.enabled) {
      Object.assign(patch, { enabled: false, disabledReason: "disabled by API", disabledAt: at });
    }
    const db = database(c.env.DB);
    const changed = Object.keys(patch).filter((k) => k !== "updatedAt");
    // The entry is recorded only if the endpoint is still there (a concurrent DELETE: 404).
    const [updated] = await db.batch([
      updateSubscriptionStatement(db, id, patch),
      subscriptionAuditStatement(
        db,
        id,
        audit(c, "webhook.updated", id, {
          fields: changed,
          ...(body.url !== undefined ? { url: body.url } : {}),
          ...(body.events !== undefined ? { events: patch.events } : {}),
          ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
        }),
        now,
      ),
    ]);
    const row = updated[0];
    if (!row) throw new AppError("RESOURCE_NOT_FOUND", "No webhook with this id");
    return c.json(toWebhook(row, now), 200);
  },
);

webhooksRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags: TAGS,
    summary: "Delete a webhook endpoint and its delivery log",
    security: bearerSecurity,
    request: { params: WebhookIdParam },
    responses: { 204: { description: "Deleted" }, ...bodyErrors, ...authErrors, ...notFoundError },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const db = database(c.env.DB);
    const row = await mustFind(c, id);
    // One batch: the entry (only while the endpoint exists), then the delete.
    if (
      !(await deleteSubscription(
        db,
        id,
        audit(c, "webhook.deleted", id, { url: row.url }),
        new Date(),
      ))
    ) {
      throw new AppError("RESOURCE_NOT_FOUND", "No webhook with this id", {
        details: { field: "id", value: id },
      });
    }
    return c.body(null, 204);
  },
);

webhooksRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/rotate-secret",
    tags: TAGS,
    summary: "Rotate the signing secret",
    description:
      "The new secret signs every delivery from now on. For `overlap_seconds` (default 24 h) " +
      "the old secret signs too: `webhook-signature` then carries two space-separated " +
      "signatures, so receivers can switch secrets without dropping a delivery.",
    security: bearerSecurity,
    middleware: [idempotency] as const,
    request: {
      params: WebhookIdParam,
      body: { ...jsonBody(RotateSecretSchema), required: false },
    },
    responses: {
      200: jsonResponse(CreatedWebhookSchema, "Rotated; the new secret is shown only here"),
      ...bodyErrors,
      ...authErrors,
      ...notFoundError,
      ...idempotencyErrors,
      ...sealingError,
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const body = RotateSecretSchema.parse(c.req.valid("json") ?? {});
    assertSecret(body.secret);
    assertSealable(c);
    const current = await mustFind(c, id);
    const now = new Date();
    const secret = body.secret ?? generateSecret();
    const expires = new Date(now.getTime() + body.overlap_seconds * 1000).toISOString();
    const db = database(c.env.DB);
    const [updated] = await db.batch([
      updateSubscriptionStatement(db, id, {
        secret: await sealForSubscription(c.env, id, secret),
        previousSecret: body.overlap_seconds > 0 ? current.secret : null,
        previousSecretExpiresAt: body.overlap_seconds > 0 ? expires : null,
        updatedAt: now.toISOString(),
      }),
      subscriptionAuditStatement(
        db,
        id,
        audit(c, "webhook.secret_rotated", id, { overlap_seconds: body.overlap_seconds }),
        now,
      ),
    ]);
    const row = updated[0];
    if (!row) throw new AppError("RESOURCE_NOT_FOUND", "No webhook with this id");
    return c.json({ ...toWebhook(row, now), secret }, 200);
  },
);

webhooksRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/test",
    tags: TAGS,
    summary: "Send a ping event to this endpoint",
    description: "Delivered like any event (signed, retried, logged); see /deliveries.",
    security: bearerSecurity,
    middleware: [idempotency] as const,
    request: { params: WebhookIdParam },
    responses: {
      202: jsonResponse(
        z.object({ event_id: z.string(), delivery_id: z.string() }),
        "Queued for delivery",
      ),
      ...bodyErrors,
      ...authErrors,
      ...notFoundError,
      ...idempotencyErrors,
      409: errorResponse("The endpoint is disabled, or the Idempotency-Key is in use"),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const row = await mustFind(c, id);
    assertEnabled(row);
    const now = new Date();
    const at = now.toISOString();
    const event = newEvent(
      "ping",
      { subscription_id: id, message: "Test event from LeadBridge" },
      now,
      id,
    );
    event.dispatchedAt = at;
    const deliveryId = newId("dlv", now.getTime());
    const db = database(c.env.DB);
    const [first, ...rest] = [
      ...eventInserts(db, [event]),
      ...insertDeliveriesStatements(db, [
        {
          id: deliveryId,
          eventId: event.id,
          subscriptionId: id,
          status: "pending",
          attempts: 0,
          nextAttemptAt: at,
          createdAt: at,
          updatedAt: at,
        },
      ]),
      auditStatement(db, audit(c, "webhook.test_sent", id, { event_id: event.id }), now),
    ];
    if (first) await db.batch([first, ...rest]);
    sendLater(c, [deliveryId]);
    return c.json({ event_id: event.id, delivery_id: deliveryId }, 202);
  },
);

webhooksRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}/deliveries",
    tags: TAGS,
    summary: "The endpoint's delivery log",
    description:
      "Newest first. Each delivery (one event to this endpoint) lists its attempts: when, the " +
      "HTTP status, latency and the first 1 KB of the answer.",
    security: bearerSecurity,
    request: {
      params: WebhookIdParam,
      query: PageQuerySchema.extend({
        status: z.enum(["pending", "succeeded", "failed"]).optional(),
      }),
    },
    responses: {
      200: jsonResponse(
        z.object({ deliveries: z.array(DeliverySchema), pagination: PaginationSchema }),
        "Deliveries with their attempts",
      ),
      ...bodyErrors,
      ...authErrors,
      ...notFoundError,
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const q = c.req.valid("query");
    await mustFind(c, id);
    const db = database(c.env.DB);
    const rows = await listDeliveries(db, {
      subscriptionId: id,
      ...(q.status ? { status: q.status } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
      limit: q.limit + 1,
    });
    const { items, pagination } = page(rows, q.limit);
    const logs = await attemptsOf(
      db,
      items.map((d) => d.id),
    );
    return c.json(
      { deliveries: items.map((d) => toDelivery(d, logs.get(d.id) ?? [])), pagination },
      200,
    );
  },
);

webhooksRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/deliveries/{delivery_id}/replay",
    tags: TAGS,
    summary: "Send one delivery again",
    description: "The same event id and body, freshly signed; retried on the usual schedule.",
    security: bearerSecurity,
    middleware: [idempotency] as const,
    request: { params: DeliveryParams },
    responses: {
      202: jsonResponse(
        z.object({ delivery_id: z.string(), status: z.literal("pending") }),
        "Queued",
      ),
      ...bodyErrors,
      ...authErrors,
      ...notFoundError,
      ...idempotencyErrors,
      409: errorResponse(
        "The endpoint is disabled, the delivery is still pending, or the Idempotency-Key is in use",
      ),
    },
  }),
  async (c) => {
    const { id, delivery_id } = c.req.valid("param");
    const row = await mustFind(c, id);
    assertEnabled(row);
    const db = database(c.env.DB);
    const delivery = await findDelivery(db, id, delivery_id);
    if (!delivery) {
      throw new AppError("RESOURCE_NOT_FOUND", "No delivery with this id for this webhook", {
        details: { field: "delivery_id", value: delivery_id },
      });
    }
    if (delivery.status === "pending") {
      throw new AppError("CONFLICT", "This delivery is still pending; it will be sent", {
        details: { field: "delivery_id", status: delivery.status },
      });
    }
    const now = new Date();
    await db.batch([
      ...(replayStatements(db, [delivery_id], now.toISOString()) as [
        ReturnType<typeof replayStatements>[number],
      ]),
      auditStatement(db, audit(c, "webhook.delivery_replayed", id, { delivery_id }), now),
    ]);
    sendLater(c, [delivery_id]);
    return c.json({ delivery_id, status: "pending" as const }, 202);
  },
);

webhooksRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/replay",
    tags: TAGS,
    summary: "Send every failed delivery since a time again",
    description: `At most ${MAX_REPLAY} deliveries per call, oldest first; call again for more.`,
    security: bearerSecurity,
    middleware: [idempotency] as const,
    request: { params: WebhookIdParam, body: jsonBody(ReplaySinceSchema) },
    responses: {
      202: jsonResponse(z.object({ replayed: z.number().int() }), "Queued"),
      ...bodyErrors,
      ...authErrors,
      ...notFoundError,
      ...idempotencyErrors,
      409: errorResponse("The endpoint is disabled, or the Idempotency-Key is in use"),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const { since } = c.req.valid("json");
    const row = await mustFind(c, id);
    assertEnabled(row);
    const db = database(c.env.DB);
    const now = new Date();
    const failed = await failedDeliveriesSince(db, id, new Date(since).toISOString(), MAX_REPLAY);
    const ids = failed.map((d) => d.id);
    await db.batch([
      auditStatement(
        db,
        audit(c, "webhook.deliveries_replayed", id, { since, count: ids.length }),
        now,
      ),
      ...replayStatements(db, ids, now.toISOString()),
    ]);
    sendLater(c, ids);
    return c.json({ replayed: ids.length }, 202);
  },
);
