import { createRoute, z } from "@hono/zod-openapi";
import { database } from "../db/client";
import { findRun, type IndexRunRow } from "../db/halo-index-runs-repo";
import { AppError } from "../errors";
import { COUNT_KEYS, readCounts } from "../halo-index/counts";
import { startIndexRun } from "../halo-index/start";
import {
  authErrors,
  bearerSecurity,
  conflictError,
  jsonResponse,
  notFoundError,
} from "../http/openapi-common";
import { newRouter } from "../http/router";
import { requireScope } from "../middleware/auth";
import { idempotency } from "../middleware/idempotency";

const STATUS_PATH = "/api/v1/halo/index";

const AcceptedSchema = z
  .object({ run_id: z.string(), status: z.literal("queued"), status_url: z.string() })
  .openapi("HaloIndexAccepted");

const ProgressSchema = z
  .object(Object.fromEntries(COUNT_KEYS.map((k) => [k, z.number().int()])))
  .openapi({
    description:
      "HaloPSA pages read and records seen per entity; companies and leads created or linked " +
      "to rows LeadBridge already had; conflicts (a key LeadBridge holds with other HaloPSA " +
      "ids: left alone, audited as `index.conflict`) and records skipped",
  });

const RunSchema = z
  .object({
    run_id: z.string(),
    status: z.enum(["queued", "running", "completed", "failed"]),
    current: z
      .object({
        entity: z.string(),
        stage: z.string().nullable(),
        page: z.number().int(),
      })
      .nullable()
      .openapi({ description: "The page being read; null once the run has finished" }),
    progress: ProgressSchema,
    error: z.string().nullable(),
    created_by: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .openapi("HaloIndexRun");

const RunIdParam = z.object({ run_id: z.string().regex(/^hix_[0-9a-z]{26}$/) });

function view(run: IndexRunRow): z.infer<typeof RunSchema> {
  const finished = run.status === "completed" || run.status === "failed";
  return {
    run_id: run.id,
    status: run.status,
    current: finished ? null : { entity: run.entity, stage: run.stage, page: run.page },
    progress: readCounts(run.counts),
    error: run.error,
    created_by: run.createdBy,
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    finished_at: run.finishedAt,
  };
}

export const haloIndexRoutes = newRouter();

haloIndexRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["HaloPSA"],
    summary: "Seed the dedup index from the HaloPSA tenant",
    description:
      "Pages through the tenant's clients, sites, users and lead, prospect and opportunity " +
      "tickets (100 per call, one call per queue message) and records them in LeadBridge's " +
      "dedup index, so a first import into a tenant with history creates no duplicates without " +
      "a search per lead. Existing people then take the merge path (or only get a ticket), and " +
      "every value already in HaloPSA is treated as a manual edit. Answers 202; poll status_url. " +
      "One run at a time: 409 while another is under way.",
    security: bearerSecurity,
    middleware: [requireScope("admin"), idempotency] as const,
    responses: {
      202: jsonResponse(AcceptedSchema, "Accepted; poll status_url"),
      ...authErrors,
      ...conflictError,
    },
  }),
  async (c) => {
    const started = await startIndexRun(c.env, c.var.principal.keyId);
    if (started.kind === "busy") {
      throw new AppError("CONFLICT", "An index run is already under way", {
        details: { run_id: started.run.id, status_url: `${STATUS_PATH}/${started.run.id}` },
      });
    }
    return c.json(
      { run_id: started.id, status: "queued" as const, status_url: `${STATUS_PATH}/${started.id}` },
      202,
    );
  },
);

haloIndexRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{run_id}",
    tags: ["HaloPSA"],
    summary: "Progress of a HaloPSA index run",
    security: bearerSecurity,
    middleware: [requireScope("read")] as const,
    request: { params: RunIdParam },
    responses: {
      200: jsonResponse(RunSchema, "The run"),
      ...authErrors,
      ...notFoundError,
    },
  }),
  async (c) => {
    const { run_id } = c.req.valid("param");
    const run = await findRun(database(c.env.DB), run_id);
    if (!run) {
      throw new AppError("RESOURCE_NOT_FOUND", "No index run with this id", {
        details: { field: "run_id", value: run_id },
      });
    }
    return c.json(view(run), 200);
  },
);
