import { createRoute, z } from "@hono/zod-openapi";
import { database } from "../db/client";
import { loadConfig } from "../db/config-repo";
import { listCursors } from "../db/sync-cursors-repo";
import { AppError } from "../errors";
import {
  authErrors,
  bearerSecurity,
  bodyErrors,
  ErrorEnvelopeSchema,
  jsonResponse,
  notFoundError,
} from "../http/openapi-common";
import { newRouter } from "../http/router";
import { requireScope } from "../middleware/auth";
import { idempotency } from "../middleware/idempotency";
import { runProviderSync } from "../sync/run";
import { apiKeyFor } from "../sync/sources";
import { SYNC_PROVIDERS, type SyncRunSummary } from "../sync/types";

const ProviderParam = z.object({
  provider: z.enum(SYNC_PROVIDERS).openapi({ param: { name: "provider", in: "path" } }),
});

const CheckpointSchema = z
  .object({
    filters_hash: z.string(),
    position: z.object({ page: z.number(), domain: z.number(), offset: z.number() }),
    partial: z.array(z.string()),
    done: z.boolean(),
    pages_read: z.number(),
  })
  .nullable()
  .openapi("SyncCheckpoint", {
    description:
      "Where the search resumes: page (Apollo, ZoomInfo) or domain index + offset (Hunter)",
  });

const RunSummarySchema = z
  .object({
    provider: z.enum(SYNC_PROVIDERS),
    search_id: z.string(),
    outcome: z.enum([
      "ran",
      "paused",
      "complete",
      "busy",
      "disabled",
      "not_configured",
      "error",
      "budget_exhausted",
    ]),
    pages_read: z.number().int(),
    records_found: z.number().int(),
    skipped_known: z.number().int(),
    skipped_suppressed: z.number().int(),
    skipped_already_read: z.number().int(),
    enriched: z.number().int(),
    credits_spent: z.number().int(),
    job_ids: z.array(z.string()),
    checkpoint: CheckpointSchema,
    paused_until: z.string().nullable(),
    error: z.string().nullable(),
  })
  .openapi("ProviderSyncRun");

const RunBodySchema = z
  .object({
    search_id: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: "One saved search; all of the provider's when left out" }),
    restart: z
      .boolean()
      .optional()
      .openapi({ description: "Forget the checkpoint and start from the first page" }),
  })
  .strict()
  .openapi("ProviderSyncRequest");

const SearchStateSchema = z
  .object({
    provider: z.enum(SYNC_PROVIDERS),
    search_id: z.string(),
    enabled: z.boolean(),
    configured: z.boolean().openapi({ description: "Whether the provider's API key is set" }),
    max_pages_per_run: z.number().int(),
    status: z.string().openapi({
      description:
        "idle, running, active, paused, complete, error or budget_exhausted (the provider's " +
        "daily_credit_budget is spent; `paused_until` is the next UTC midnight)",
    }),
    checkpoint: CheckpointSchema,
    paused_until: z.string().nullable(),
    last_run_at: z.string().nullable(),
    last_error: z.string().nullable(),
    imported: z.number().int(),
  })
  .openapi("ProviderSyncState");

export const providerSyncRoutes = newRouter();

providerSyncRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Provider sync"],
    summary: "Saved provider searches and their checkpoints",
    security: bearerSecurity,
    middleware: [requireScope("read")] as const,
    responses: {
      200: jsonResponse(z.object({ searches: z.array(SearchStateSchema) }), "Every saved search"),
      ...authErrors,
    },
  }),
  async (c) => {
    const db = database(c.env.DB);
    const { config } = await loadConfig(db);
    const rows = new Map((await listCursors(db)).map((r) => [`${r.provider}/${r.searchId}`, r]));
    const searches = SYNC_PROVIDERS.flatMap((provider) =>
      config.providers[provider].saved_searches.map((s) => {
        const row = rows.get(`${provider}/${s.id}`);
        const checkpoint = CheckpointSchema.safeParse(row?.cursor);
        return {
          provider,
          search_id: s.id,
          enabled: config.providers[provider].enabled,
          configured: apiKeyFor(c.env, provider) !== undefined,
          max_pages_per_run: s.max_pages_per_run,
          status: row?.status ?? "idle",
          checkpoint: checkpoint.success ? checkpoint.data : null,
          paused_until: row?.pausedUntil ?? null,
          last_run_at: row?.lastRunAt ?? null,
          last_error: row?.lastError ?? null,
          imported: row?.imported ?? 0,
        };
      }),
    );
    return c.json({ searches }, 200);
  },
);

providerSyncRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{provider}/run",
    tags: ["Provider sync"],
    summary: "Run a provider's saved searches now",
    description:
      "Runs one saved search (or all of the provider's) from its checkpoint, as the cron " +
      "trigger does: screens known and suppressed people before spending credits and imports " +
      "the rest as a provider_sync job. A paused search (rate limit, spent quota) does nothing " +
      "until its `paused_until`.",
    security: bearerSecurity,
    middleware: [requireScope("write"), idempotency] as const,
    request: {
      params: ProviderParam,
      body: { required: false, content: { "application/json": { schema: RunBodySchema } } },
    },
    responses: {
      202: jsonResponse(z.object({ runs: z.array(RunSummarySchema) }), "What each run did"),
      ...bodyErrors,
      ...authErrors,
      ...notFoundError,
      409: jsonResponse(ErrorEnvelopeSchema, "The provider is disabled"),
      503: jsonResponse(ErrorEnvelopeSchema, "The provider has no API key configured"),
    },
  }),
  async (c) => {
    const { provider } = c.req.valid("param");
    const body = c.req.header("content-type") ? c.req.valid("json") : {};
    const env = c.env;
    const { config } = await loadConfig(database(env.DB));
    const settings = config.providers[provider];
    if (!settings.enabled) {
      throw new AppError("CONFLICT", `${provider} is disabled in the configuration`, {
        details: { field: "provider", value: provider },
      });
    }
    if (apiKeyFor(env, provider) === undefined) {
      throw new AppError("SERVICE_UNAVAILABLE", `No API key is configured for ${provider}`, {
        details: { field: "provider", value: provider },
      });
    }
    const ids = body.search_id ? [body.search_id] : settings.saved_searches.map((s) => s.id);
    const runs: SyncRunSummary[] = [];
    for (const id of ids) {
      runs.push(
        await runProviderSync(env, provider, id, new Date(), {
          trigger: `api:${c.var.principal.keyId}`,
          restart: body.restart ?? false,
        }),
      );
    }
    return c.json({ runs }, 202);
  },
);
