import { createRoute, z } from "@hono/zod-openapi";
import { generateApiKey, hashSecret } from "../auth/api-key";
import { SCOPES } from "../auth/principal";
import { DEFAULT_RATE_LIMITS, effectiveLimits } from "../auth/rate-limit-policy";
import { auditStatement } from "../db/audit";
import { runBatch } from "../db/batch";
import { database } from "../db/client";
import {
  findKey,
  insertAuditedKey,
  listKeys,
  revokeKey,
  updateKeyLimitsStatement,
} from "../db/keys-repo";
import { AppError } from "../errors";
import {
  authErrors,
  bearerSecurity,
  bodyErrors,
  jsonBody,
  jsonResponse,
  notFoundError,
} from "../http/openapi-common";
import { newRouter } from "../http/router";
import { requireScope } from "../middleware/auth";

const d = DEFAULT_RATE_LIMITS;
const RateLimitsInputSchema = z
  .object({
    requests_per_hour: z
      .number()
      .int()
      .min(1)
      .max(10_000_000)
      .optional()
      .openapi({ description: `Authenticated requests per hour (default ${d.requests_per_hour})` }),
    bulk_imports_per_hour: z
      .number()
      .int()
      .min(0)
      .max(100_000)
      .optional()
      .openapi({
        description: `POST /sync/leads/bulk per hour; 0 forbids them (default ${d.bulk_imports_per_hour})`,
      }),
    concurrent_syncs: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .optional()
      .openapi({
        description: `Sync operations running at once (default ${d.concurrent_syncs})`,
      }),
  })
  .strict()
  .openapi("RateLimitsInput", {
    description: "The key's own limits; a field left out keeps the default",
  });

const RateLimitsSchema = z
  .object({
    requests_per_hour: z.number().int(),
    bulk_imports_per_hour: z.number().int(),
    concurrent_syncs: z.number().int(),
  })
  .openapi("RateLimits", { description: "The limits in force for the key" });

const KeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ description: "First characters of the key, to recognise it" }),
    scopes: z.array(z.enum(SCOPES)),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
    rate_limits: RateLimitsSchema,
  })
  .openapi("ApiKey");

const CreateKeySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(z.enum(SCOPES)).min(1).max(3),
    rate_limits: RateLimitsInputSchema.optional(),
  })
  .strict()
  .openapi("CreateApiKey");

const UpdateKeySchema = z
  .object({
    rate_limits: RateLimitsInputSchema.nullable().openapi({
      description: "The key's own limits; null returns it to the defaults",
    }),
  })
  .strict()
  .openapi("UpdateApiKey");

const CreatedKeySchema = KeySchema.extend({
  key: z.string().openapi({ description: "The secret key. Shown once; only its hash is kept." }),
}).openapi("CreatedApiKey");

type KeyRow = Awaited<ReturnType<typeof listKeys>>[number];
const toApi = (row: KeyRow): z.infer<typeof KeySchema> => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  scopes: row.scopes,
  created_at: row.createdAt,
  last_used_at: row.lastUsedAt,
  revoked_at: row.revokedAt,
  rate_limits: effectiveLimits(row.rateLimits),
});

export const keysRoutes = newRouter();
keysRoutes.use("*", requireScope("admin"));

keysRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["Keys"],
    summary: "Issue an API key",
    description:
      "`Idempotency-Key` is ignored here on purpose: replaying the answer would mean storing " +
      "the new secret, and only its hash is ever kept. A retried request issues another key; " +
      "revoke the one you did not receive.",
    security: bearerSecurity,
    request: { body: jsonBody(CreateKeySchema) },
    responses: {
      201: jsonResponse(CreatedKeySchema, "The new key; the secret is shown only in this answer"),
      ...bodyErrors,
      ...authErrors,
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const db = database(c.env.DB);
    const generated = generateApiKey();
    const scopes = [...new Set(body.scopes)];
    const rateLimits = body.rate_limits ?? null;
    // The key and its audit entry commit together: no key exists unaudited, whatever dies.
    const row = await insertAuditedKey(
      db,
      {
        id: generated.id,
        name: body.name,
        prefix: generated.key.slice(0, 10),
        hash: await hashSecret(generated.secret),
        scopes,
        rateLimits,
      },
      {
        actor: c.var.principal.keyId,
        action: "api_key.created",
        entity: "api_key",
        entityId: generated.id,
        detail: { name: body.name, scopes, rate_limits: rateLimits },
        requestId: c.var.requestId,
      },
      new Date(),
    );
    return c.json({ ...toApi(row), key: generated.key }, 201);
  },
);

keysRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Keys"],
    summary: "List API keys (never their secrets)",
    security: bearerSecurity,
    responses: {
      200: jsonResponse(z.object({ keys: z.array(KeySchema) }), "All keys, newest first"),
      ...authErrors,
    },
  }),
  async (c) => {
    const rows = await listKeys(database(c.env.DB));
    return c.json({ keys: rows.map(toApi) }, 200);
  },
);

keysRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags: ["Keys"],
    summary: "Revoke an API key",
    security: bearerSecurity,
    request: { params: z.object({ id: z.string().regex(/^[a-z0-9]{12}$/) }) },
    responses: {
      204: { description: "Revoked" },
      ...bodyErrors,
      ...authErrors,
      ...notFoundError,
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const db = database(c.env.DB);
    // The revoke and its audit entry commit together; a key already revoked (a second or
    // concurrent DELETE) is a 404 with no second entry.
    const revoked = await revokeKey(
      db,
      id,
      {
        actor: c.var.principal.keyId,
        action: "api_key.revoked",
        entity: "api_key",
        entityId: id,
        requestId: c.var.requestId,
      },
      new Date(),
    );
    if (!revoked) {
      throw new AppError("RESOURCE_NOT_FOUND", "No active API key with this id", {
        details: { field: "id", value: id },
      });
    }
    return c.body(null, 204);
  },
);

keysRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags: ["Keys"],
    summary: "Change an API key's rate limits",
    description: "Applies from the key's next request; its current window keeps what it has used.",
    security: bearerSecurity,
    request: {
      params: z.object({ id: z.string().regex(/^[a-z0-9]{12}$/) }),
      body: jsonBody(UpdateKeySchema),
    },
    responses: {
      200: jsonResponse(KeySchema, "The key with its new limits"),
      ...bodyErrors,
      ...authErrors,
      ...notFoundError,
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const db = database(c.env.DB);
    // Keys are revoked, never deleted: a key found here still exists for the batch below.
    const found = await findKey(db, id);
    if (!found) {
      throw new AppError("RESOURCE_NOT_FOUND", "No API key with this id", {
        details: { field: "id", value: id },
      });
    }
    // The change and its audit entry commit together: no unaudited change, whatever dies.
    await runBatch(db, [
      updateKeyLimitsStatement(db, id, body.rate_limits),
      auditStatement(
        db,
        {
          actor: c.var.principal.keyId,
          action: "api_key.updated",
          entity: "api_key",
          entityId: id,
          detail: { rate_limits: body.rate_limits },
          requestId: c.var.requestId,
        },
        new Date(),
      ),
    ]);
    return c.json(toApi({ ...found, rateLimits: body.rate_limits }), 200);
  },
);
