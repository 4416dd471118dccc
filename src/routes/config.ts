import { createRoute, z } from "@hono/zod-openapi";
import { mergePatch } from "../config/merge-patch";
import { retiredSettingIn } from "../config/retired";
import { ConfigSchema } from "../config/schema";
import { writeAudit } from "../db/audit";
import { database } from "../db/client";
import { loadConfig, saveConfig } from "../db/config-repo";
import { AppError } from "../errors";
import {
  authErrors,
  bearerSecurity,
  bodyErrors,
  conflictError,
  jsonBody,
  jsonResponse,
} from "../http/openapi-common";
import { newRouter } from "../http/router";
import { validationError } from "../http/validation";
import { requireScope } from "../middleware/auth";
import { DeploymentSchema, deploymentView } from "./config-deployment";

const ConfigDocumentSchema = ConfigSchema.safeExtend({
  version: z.number().int().openapi({ description: "0 until the first change" }),
  updated_at: z.string().nullable(),
  deployment: DeploymentSchema,
}).openapi("ConfigDocument");

const ConfigPatchSchema = z.record(z.string(), z.unknown()).openapi("ConfigPatch", {
  description:
    "A JSON Merge Patch (RFC 7396) of the configuration: objects merge, arrays replace, null " +
    "resets a setting to its default. The merged document must satisfy IntegrationConfig. " +
    "A provider's `rate_limit` may be the seed's bare number (requests per minute) or " +
    "`{requests, window_seconds}`; it is stored as the object.",
  example: { providers: { apollo: { rate_limit: 150 } } },
});

const etag = (version: number) => `"${version}"`;

export const configRoutes = newRouter();

configRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Config"],
    summary: "Current integration configuration",
    security: bearerSecurity,
    middleware: [requireScope("read")] as const,
    responses: { 200: jsonResponse(ConfigDocumentSchema, "The configuration"), ...authErrors },
  }),
  async (c) => {
    const current = await loadConfig(database(c.env.DB));
    c.header("ETag", etag(current.version));
    return c.json(
      {
        ...current.config,
        version: current.version,
        updated_at: current.updatedAt,
        deployment: deploymentView(c.env),
      },
      200,
    );
  },
);

configRoutes.openapi(
  createRoute({
    method: "put",
    path: "/",
    tags: ["Config"],
    summary: "Change the configuration (partial update)",
    description:
      "Merges the body into the current configuration, validates the result and stores it as a " +
      "new version. Send `If-Match` with the ETag you read to refuse a lost update. The " +
      "`deployment` block is read-only: HaloPSA's host (`halopsa.base_url`) and the provider " +
      "hosts are fixed by the deployment, so a patch setting `halopsa.base_url` is refused.",
    security: bearerSecurity,
    middleware: [requireScope("admin")] as const,
    request: {
      headers: z.object({ "if-match": z.string().optional() }),
      body: jsonBody(ConfigPatchSchema),
    },
    responses: {
      200: jsonResponse(ConfigDocumentSchema, "The new configuration"),
      ...bodyErrors,
      ...authErrors,
      ...conflictError,
    },
  }),
  async (c) => {
    const patch = c.req.valid("json");
    const retired = retiredSettingIn(patch);
    if (retired) {
      throw new AppError("VALIDATION_ERROR", retired.message, {
        details: { field: retired.field },
      });
    }
    const ifMatch = c.req.valid("header")["if-match"];
    const db = database(c.env.DB);
    const current = await loadConfig(db);
    if (ifMatch !== undefined && ifMatch !== etag(current.version)) {
      throw new AppError("CONFLICT", "The configuration changed since it was read", {
        details: { field: "If-Match", current_version: current.version },
      });
    }
    const parsed = ConfigSchema.safeParse(mergePatch(current.config, patch));
    if (!parsed.success) throw validationError(parsed.error, "configuration");

    const version = current.version + 1;
    const now = new Date();
    try {
      await saveConfig(db, version, parsed.data, c.var.principal.keyId);
    } catch (cause) {
      throw new AppError("CONFLICT", "Another change to the configuration landed first", {
        details: { field: "version" },
        cause,
      });
    }
    await writeAudit(
      db,
      [
        {
          actor: c.var.principal.keyId,
          action: "config.updated",
          entity: "config",
          entityId: String(version),
          detail: { from_version: current.version, patch },
          requestId: c.var.requestId,
        },
      ],
      now,
    );
    c.header("ETag", etag(version));
    return c.json(
      {
        ...parsed.data,
        version,
        updated_at: now.toISOString(),
        deployment: deploymentView(c.env),
      },
      200,
    );
  },
);
