import { createRoute, z } from "@hono/zod-openapi";
import { database } from "../db/client";
import { propagationsOf } from "../db/propagations-repo";
import { PROPAGATION_TARGETS } from "../db/schema";
import {
  addSuppression,
  deleteSuppression,
  findSuppression,
  listSuppressions,
  type SuppressionRow,
} from "../db/suppressions-repo";
import type { DncPropagateMessage } from "../dnc/message";
import { normaliseSuppressionKey } from "../domain/suppression";
import { AppError } from "../errors";
import {
  authErrors,
  bearerSecurity,
  bodyErrors,
  jsonBody,
  jsonResponse,
  notFoundError,
} from "../http/openapi-common";
import { PageQuerySchema, PaginationSchema, page } from "../http/paging";
import { newRouter } from "../http/router";
import { requireScope } from "../middleware/auth";
import { idempotency } from "../middleware/idempotency";

const KIND = z.enum(["email", "phone", "domain"]);

const SuppressionSchema = z
  .object({
    id: z.string(),
    kind: KIND,
    value: z.string().openapi({
      description:
        "Normalised: NFC lower-case email with its domain in ASCII (punycode), E.164, bare ASCII domain",
    }),
    reason: z.string().nullable(),
    origin: z.string().openapi({ description: "api, apollo, zoominfo, hunter or halopsa" }),
    created_by: z.string(),
    created_at: z.string(),
  })
  .openapi("Suppression");

const PropagationSchema = z
  .object({
    target: z.enum(PROPAGATION_TARGETS),
    status: z.enum(["pending", "done", "skipped", "no_provider_api", "failed"]).openapi({
      description:
        "pending: not pushed yet; done: pushed; skipped: nothing to push (the opt-out came from " +
        "there, no record of the person, not configured); no_provider_api: the provider has " +
        "no API that takes an opt-out; failed: refused (see detail)",
    }),
    detail: z.string().nullable(),
    attempts: z.number().int(),
    updated_at: z.string(),
  })
  .openapi("SuppressionPropagation");

const SuppressionDetailSchema = SuppressionSchema.extend({
  propagation: z.array(PropagationSchema).openapi({
    description:
      "Where the opt-out was pushed (HaloPSA, Apollo, ZoomInfo, Hunter) and with what result",
  }),
}).openapi("SuppressionDetail");

const IdParam = z.object({
  id: z
    .string()
    .regex(/^sup_[0-9a-z]{26}$/)
    .openapi({ param: { name: "id", in: "path" }, example: "sup_01jd0000000000000000000000" }),
});

const CreateSuppressionSchema = z
  .object({
    kind: KIND,
    value: z.string().trim().min(1).max(320),
    reason: z.string().trim().max(500).optional(),
    default_country: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional()
      .openapi({ description: "ISO country for a phone number written without +" }),
  })
  .strict()
  .openapi("CreateSuppression");

const toApi = (row: SuppressionRow): z.infer<typeof SuppressionSchema> => ({
  id: row.id,
  kind: row.kind,
  value: row.value,
  reason: row.reason,
  origin: row.origin,
  created_by: row.createdBy,
  created_at: row.createdAt,
});

export const suppressionRoutes = newRouter();

suppressionRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Suppressions"],
    summary: "List Do-Not-Contact entries",
    security: bearerSecurity,
    middleware: [requireScope("read")] as const,
    request: {
      query: PageQuerySchema.extend({ kind: KIND.optional(), value: z.string().optional() }),
    },
    responses: {
      200: jsonResponse(
        z.object({ suppressions: z.array(SuppressionSchema), pagination: PaginationSchema }),
        "Newest first",
      ),
      ...bodyErrors,
      ...authErrors,
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const value = q.kind && q.value ? normaliseSuppressionKey(q.kind, q.value)?.value : q.value;
    const rows = await listSuppressions(database(c.env.DB), {
      ...(q.kind ? { kind: q.kind } : {}),
      ...(value ? { value } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
      limit: q.limit + 1,
    });
    const { items, pagination } = page(rows, q.limit);
    return c.json({ suppressions: items.map(toApi), pagination }, 200);
  },
);

suppressionRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["Suppressions"],
    summary: "Add a Do-Not-Contact entry",
    description:
      "Blocks every future create or update in HaloPSA of a lead with this email, phone or " +
      "domain (a domain blocks everyone at it), from any provider, in any letter case. A new " +
      "entry is then pushed from the jobs queue: the person's existing HaloPSA tickets get the " +
      "Do-Not-Contact custom field, the `dnc_list` tag, a private note and (still a lead) the " +
      "Do Not Contact status; Apollo's saved contact moves to its Do Not Contact stage; " +
      "ZoomInfo and Hunter have no API for it. `GET /suppressions/{id}` shows the results.",
    security: bearerSecurity,
    middleware: [requireScope("write"), idempotency] as const,
    request: { body: jsonBody(CreateSuppressionSchema) },
    responses: {
      201: jsonResponse(SuppressionSchema, "Added"),
      200: jsonResponse(SuppressionSchema, "Already suppressed; the existing entry"),
      ...bodyErrors,
      ...authErrors,
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const key = normaliseSuppressionKey(body.kind, body.value, body.default_country);
    if (!key) {
      throw new AppError("VALIDATION_ERROR", `Not a valid ${body.kind}`, {
        details: { field: "value", value: body.value },
      });
    }
    const db = database(c.env.DB);
    const actor = c.var.principal.keyId;
    const reason = body.reason ?? null;
    // The entry, its pushes and its audit entry commit together (a duplicate records none).
    const { row, created } = await addSuppression(
      db,
      { ...key, reason, origin: "api", createdBy: actor },
      new Date(),
      (id) => ({
        actor,
        action: "suppression.added",
        entity: "suppression",
        entityId: id,
        rule: "manual_suppression",
        detail: { kind: key.kind, value: key.value, reason },
        requestId: c.var.requestId,
      }),
    );
    if (created) {
      // The pushes to HaloPSA and the providers were committed with the entry; start them now
      // (the minute cron sends whatever this misses).
      const message: DncPropagateMessage = { type: "dnc.propagate" };
      await c.env.CONTROL.send(message).catch(() => undefined);
    }
    return c.json(toApi(row), created ? 201 : 200);
  },
);

suppressionRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags: ["Suppressions"],
    summary: "One Do-Not-Contact entry and where it was propagated",
    security: bearerSecurity,
    middleware: [requireScope("read")] as const,
    request: { params: IdParam },
    responses: {
      200: jsonResponse(SuppressionDetailSchema, "The entry with its propagation results"),
      ...bodyErrors,
      ...authErrors,
      ...notFoundError,
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const db = database(c.env.DB);
    const row = await findSuppression(db, id);
    if (!row) {
      throw new AppError("RESOURCE_NOT_FOUND", "No suppression with this id", {
        details: { field: "id", value: id },
      });
    }
    const order = (t: string) =>
      PROPAGATION_TARGETS.indexOf(t as (typeof PROPAGATION_TARGETS)[number]);
    const propagation = (await propagationsOf(db, id))
      .sort((a, b) => order(a.target) - order(b.target))
      .map((p) => ({
        target: p.target,
        status: p.status,
        detail: p.detail,
        attempts: p.attempts,
        updated_at: p.updatedAt,
      }));
    return c.json({ ...toApi(row), propagation }, 200);
  },
);

suppressionRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags: ["Suppressions"],
    summary: "Remove a Do-Not-Contact entry (admin; audited)",
    description:
      "Lifts the import block only: the person may be imported again. Nothing is undone " +
      "anywhere — HaloPSA keeps the Do-Not-Contact flag, status, tag and note, Apollo keeps " +
      "the contact's stage, and nobody is re-contacted; pushes not yet made are cancelled.",
    security: bearerSecurity,
    middleware: [requireScope("admin")] as const,
    request: { params: IdParam },
    responses: { 204: { description: "Removed" }, ...bodyErrors, ...authErrors, ...notFoundError },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const db = database(c.env.DB);
    const found = await findSuppression(db, id);
    // The audit entry is recorded in the delete's batch, only if the entry is still there: a
    // concurrent delete that got there first leaves this one a 404 and no audit row.
    const row =
      found &&
      (await deleteSuppression(db, id, {
        actor: c.var.principal.keyId,
        action: "suppression.removed",
        entity: "suppression",
        entityId: id,
        rule: "admin_override",
        detail: {
          kind: found.kind,
          value: found.value,
          reason: found.reason,
          origin: found.origin,
        },
        requestId: c.var.requestId,
      }));
    if (!row) {
      throw new AppError("RESOURCE_NOT_FOUND", "No suppression with this id", {
        details: { field: "id", value: id },
      });
    }
    return c.body(null, 204);
  },
);
