import { createRoute, z } from "@hono/zod-openapi";
import { mergePatch } from "../config/merge-patch";
import { retiredSettingIn } from "../config/retired";
import { CheckedConfigSchema, ConfigSchema } from "../config/schema";
import { type ConfigCheck, checkConfig, haloIds, recordCheck } from "../config-check/check";
import { writeAudit } from "../db/audit";
import { database } from "../db/client";
import { loadConfig, saveAuditedConfig } from "../db/config-repo";
import { AppError } from "../errors";
import {
  authErrors,
  bearerSecurity,
  bodyErrors,
  conflictError,
  ErrorEnvelopeSchema,
  jsonBody,
  jsonResponse,
} from "../http/openapi-common";
import { newRouter } from "../http/router";
import { validationError } from "../http/validation";
import { requireScope } from "../middleware/auth";
import { idempotency } from "../middleware/idempotency";
import { DeploymentSchema, deploymentView } from "./config-deployment";

const ConfigDocumentSchema = ConfigSchema.safeExtend({
  version: z.number().int().openapi({ description: "0 until the first change" }),
  updated_at: z.string().nullable(),
  deployment: DeploymentSchema,
}).openapi("ConfigDocument");

const MismatchSchema = z
  .object({
    field: z.string().openapi({ example: "halopsa.lifecycle.lead.statuses.new_lead" }),
    value: z.number().int(),
    message: z.string(),
    candidates: z
      .array(z.object({ id: z.number().int(), name: z.string() }))
      .openapi({ description: "What the tenant has that would fit, best first" }),
  })
  .openapi("ConfigMismatch");

const ConfigCheckSchema = z
  .object({
    state: z.enum(["ok", "mismatch", "unverified"]).openapi({
      description:
        "`ok`: every HaloPSA id exists in the tenant and fits its stage; `mismatch`: see " +
        "`mismatches`; `unverified`: HaloPSA could not be asked (see `reason`)",
    }),
    checked_at: z.string(),
    config_version: z.number().int(),
    mismatches: z.array(MismatchSchema),
    reason: z.string().nullable(),
    lookups_fetched_at: z.string().nullable(),
  })
  .openapi("ConfigCheck");

const PutResultSchema = ConfigDocumentSchema.safeExtend({
  verification: ConfigCheckSchema.nullable().openapi({
    description:
      "The check of the new HaloPSA ids against the tenant; null when the change touched none",
  }),
}).openapi("ConfigPutResult");

const idempotencyReusedError = jsonResponse(
  ErrorEnvelopeSchema,
  "IDEMPOTENCY_KEY_REUSED: the Idempotency-Key was used with another body",
);

/** A configuration the tenant cannot honour, as one VALIDATION_ERROR naming the first field. */
function mismatchError(check: ConfigCheck): AppError {
  const [first] = check.mismatches;
  return new AppError(
    "VALIDATION_ERROR",
    `The HaloPSA tenant does not fit the configuration: ${first?.field}: ${first?.message}`,
    {
      details: {
        field: first?.field ?? "halopsa",
        value: first?.value,
        candidates: first?.candidates ?? [],
        mismatches: check.mismatches,
      },
    },
  );
}

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
      "new version. Send `If-Match` with the ETag you read to refuse a lost update. Settings " +
      "that contradict each other (hot below warm, two statuses on one id, …) are refused. " +
      "When the change touches a HaloPSA id, the ids are checked against the tenant's lookups " +
      "(ticket types, statuses, priorities, custom fields): a mismatch is a 400 naming the " +
      "field and the tenant's candidates; if HaloPSA cannot be asked the change is stored and " +
      "`verification.state` is `unverified` (an outage never blocks a config edit). The " +
      "`deployment` block is read-only: HaloPSA's host (`halopsa.base_url`) and the provider " +
      "hosts are fixed by the deployment, so a patch setting `halopsa.base_url` is refused.",
    security: bearerSecurity,
    middleware: [requireScope("admin")] as const,
    request: {
      headers: z.object({ "if-match": z.string().optional() }),
      body: jsonBody(ConfigPatchSchema),
    },
    responses: {
      200: jsonResponse(PutResultSchema, "The new configuration"),
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
    const parsed = CheckedConfigSchema.safeParse(mergePatch(current.config, patch));
    if (!parsed.success) throw validationError(parsed.error, "configuration");

    const version = current.version + 1;
    // Only a change of ids pays for a check: moving the tenant alone leaves /health at
    // `unverified` until the cron or POST /config/verify looks.
    const touchesIds = haloIds(parsed.data) !== haloIds(current.config);
    const check = touchesIds ? await checkConfig(c.env, parsed.data, version) : null;
    if (check?.state === "mismatch") throw mismatchError(check);
    const now = new Date();
    try {
      // The version and its audit entry commit together: no unaudited change, whatever dies.
      await saveAuditedConfig(
        db,
        version,
        parsed.data,
        {
          actor: c.var.principal.keyId,
          action: "config.updated",
          entity: "config",
          entityId: String(version),
          detail: {
            from_version: current.version,
            patch,
            ...(check ? { verification: check.state } : {}),
          },
          requestId: c.var.requestId,
        },
        now,
      );
    } catch (cause) {
      // Only a version stored meanwhile is a conflict; any other failure stays a 500.
      if ((await loadConfig(db)).version < version) throw cause;
      throw new AppError("CONFLICT", "Another change to the configuration landed first", {
        details: { field: "version" },
        cause,
      });
    }
    if (check) await recordCheck(c.env, parsed.data, check);
    c.header("ETag", etag(version));
    return c.json(
      {
        ...parsed.data,
        version,
        updated_at: now.toISOString(),
        deployment: deploymentView(c.env),
        verification: check,
      },
      200,
    );
  },
);

configRoutes.openapi(
  createRoute({
    method: "post",
    path: "/verify",
    tags: ["Config"],
    summary: "Check the configuration against the HaloPSA tenant now",
    description:
      "Reads the tenant's ticket types, statuses, priorities and custom fields afresh through " +
      "HaloGate and checks every HaloPSA id of the current configuration: it must exist, a " +
      "lifecycle ticket type must not be an ITIL service type (Incident, …), and each status " +
      "must be one the tenant allows on its stage's ticket type. Answers 200 with the report " +
      "whatever it finds (`state`: ok, mismatch or unverified); /health shows the latest state.",
    security: bearerSecurity,
    middleware: [requireScope("admin"), idempotency] as const,
    responses: {
      200: jsonResponse(ConfigCheckSchema, "The check"),
      ...bodyErrors,
      ...authErrors,
      ...conflictError,
      422: idempotencyReusedError,
    },
  }),
  async (c) => {
    const db = database(c.env.DB);
    const current = await loadConfig(db);
    const now = new Date();
    const check = await checkConfig(c.env, current.config, current.version, { now, fresh: true });
    await recordCheck(c.env, current.config, check);
    await writeAudit(
      db,
      [
        {
          actor: c.var.principal.keyId,
          action: "config.verified",
          entity: "config",
          entityId: String(current.version),
          rule: check.state,
          detail: { mismatches: check.mismatches.map((m) => m.field), reason: check.reason },
          requestId: c.var.requestId,
        },
      ],
      now,
    );
    return c.json(check, 200);
  },
);
