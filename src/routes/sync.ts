import { createRoute } from "@hono/zod-openapi";
import type { Issue } from "../domain/lead";
import { AppError } from "../errors";
import {
  authErrors,
  bearerSecurity,
  bodyErrors,
  errorResponse,
  jsonBody,
  jsonResponse,
  unavailableError,
  upstreamError,
} from "../http/openapi-common";
import { newRouter } from "../http/router";
import { requireScope } from "../middleware/auth";
import { idempotency } from "../middleware/idempotency";
import { importContext } from "../pipeline/context";
import { importLeads } from "../pipeline/import-leads";
import { answeredOutcome, type ImportOutcome } from "../pipeline/outcome";
import { SyncLeadRequestSchema, SyncLeadResponseSchema } from "./lead-schemas";

/** An interactive sync may wait this long for HaloPSA's window before answering 503. */
const INTERACTIVE_WAIT_MS = 10_000;

/**
 * How long a sync waits for another import that is writing the same person (or their new
 * company) before answering 409: that run usually finishes in well under a second, after which
 * this one merges into its result.
 */
const BUSY_WAIT_MS = 12_000;
const BUSY_RETRY_AFTER_S = 5;

export const syncRoutes = newRouter();

syncRoutes.openapi(
  createRoute({
    method: "post",
    path: "/leads",
    tags: ["Sync"],
    summary: "Import one lead into HaloPSA",
    description:
      "Normalises, scores, suppresses and de-duplicates the record, then creates the HaloPSA " +
      "client, site, user and lead ticket as needed (a known company costs no client or site " +
      "call), or merges it into the existing lead without overwriting manual work. Send " +
      "`Idempotency-Key` to make retries safe.",
    security: bearerSecurity,
    middleware: [requireScope("write"), idempotency] as const,
    request: { body: jsonBody(SyncLeadRequestSchema) },
    responses: {
      201: jsonResponse(SyncLeadResponseSchema, "Created"),
      200: jsonResponse(SyncLeadResponseSchema, "Merged, preserved or suppressed"),
      ...bodyErrors,
      ...authErrors,
      409: errorResponse(
        "Another import kept writing this person (or their new company) to HaloPSA for longer " +
          "than the sync waits (about 12 s); nothing was written. Retry after `Retry-After`: " +
          "the retry merges into that import's result. Also: the `Idempotency-Key` is in use by " +
          "a request still running.",
      ),
      ...upstreamError,
      ...unavailableError("HaloPSA's rate limit is spent or HaloPSA is not configured"),
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const ctx = await importContext(c.env, {
      actor: c.var.principal.keyId,
      requestId: c.var.requestId,
      options: body.options,
      dryRun: false,
      maxWaitMs: INTERACTIVE_WAIT_MS,
    });
    const outcomes = await importLeads(ctx, [{ index: 0, source: body.source, data: body.data }], {
      waitForBusyMs: BUSY_WAIT_MS,
    });
    const refused = rejection(outcomes);
    if (refused) throw refused;
    const deferred = outcomes.find((o) => o.action === "deferred");
    if (deferred) {
      throw new AppError(
        "CONFLICT",
        "Another import is writing this person to HaloPSA; retry shortly to merge into its result",
        {
          details: {
            reason: "lead_busy",
            lead_id: deferred.lead_id,
            retry_after_seconds: BUSY_RETRY_AFTER_S,
          },
          headers: { "Retry-After": String(BUSY_RETRY_AFTER_S) },
        },
      );
    }
    const failure = outcomes.find((o) => o.action === "failed");
    if (failure && outcomes.every((o) => o.action === "failed" || o.action === "rejected")) {
      throw new AppError("EXTERNAL_API_ERROR", failure.error?.message ?? "HaloPSA write failed", {
        details: { lead_id: failure.lead_id, retryable: true },
      });
    }
    const primary = outcomes.find((o) => o.action !== "rejected") ?? outcomes[0];
    if (!primary) throw new AppError("INTERNAL_ERROR", "the import produced no outcome");
    return c.json(summary(primary, outcomes), primary.action === "created" ? 201 : 200);
  },
);

function summary(primary: ImportOutcome, all: ImportOutcome[]) {
  return {
    success: primary.action !== "failed",
    action: answeredOutcome(primary).action,
    lead_id: primary.lead_id,
    halopsa_ticket_id: primary.halopsa.ticket_id,
    halopsa: primary.halopsa,
    actions_taken: primary.actions_taken,
    quality_score: primary.quality_score,
    lists: primary.lists,
    fields_updated: primary.fields_updated,
    fields_preserved: primary.fields_preserved,
    reasons: primary.reasons,
    warnings: primary.issues,
    results: all.map(answeredOutcome),
  };
}

/** A record refused as a whole becomes the API's VALIDATION_ERROR, field path from the body. */
export function rejection(outcomes: ImportOutcome[]): AppError | null {
  if (outcomes.length === 0 || outcomes.some((o) => o.action !== "rejected")) return null;
  const issues: Issue[] = outcomes
    .flatMap((o) => o.issues)
    .map((i) => ({ ...i, field: bodyField(i.field) }));
  const first = issues[0];
  return new AppError(
    "VALIDATION_ERROR",
    first ? `Invalid lead: ${first.field}: ${first.message}` : "Invalid lead",
    { details: { field: first?.field ?? "data", issues } },
  );
}

function bodyField(field: string): string {
  if (field === "source" || field === "data" || field.startsWith("data.")) return field;
  return `data.${field}`;
}
