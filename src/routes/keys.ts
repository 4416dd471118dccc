import { createRoute, z } from "@hono/zod-openapi";
import { generateApiKey, hashSecret } from "../auth/api-key";
import { SCOPES } from "../auth/principal";
import { writeAudit } from "../db/audit";
import { database } from "../db/client";
import { insertKey, listKeys, revokeKey } from "../db/keys-repo";
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

const KeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ description: "First characters of the key, to recognise it" }),
    scopes: z.array(z.enum(SCOPES)),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
  })
  .openapi("ApiKey");

const CreateKeySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(z.enum(SCOPES)).min(1).max(3),
  })
  .strict()
  .openapi("CreateApiKey");

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
    const row = await insertKey(db, {
      id: generated.id,
      name: body.name,
      prefix: generated.key.slice(0, 10),
      hash: await hashSecret(generated.secret),
      scopes: [...new Set(body.scopes)],
    });
    await writeAudit(
      db,
      [
        {
          actor: c.var.principal.keyId,
          action: "api_key.created",
          entity: "api_key",
          entityId: row.id,
          detail: { name: row.name, scopes: row.scopes },
          requestId: c.var.requestId,
        },
      ],
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
    const now = new Date();
    if (!(await revokeKey(db, id, now.toISOString()))) {
      throw new AppError("RESOURCE_NOT_FOUND", "No active API key with this id", {
        details: { field: "id", value: id },
      });
    }
    await writeAudit(
      db,
      [
        {
          actor: c.var.principal.keyId,
          action: "api_key.revoked",
          entity: "api_key",
          entityId: id,
          requestId: c.var.requestId,
        },
      ],
      now,
    );
    return c.body(null, 204);
  },
);
