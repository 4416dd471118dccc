import { createRoute, z } from "@hono/zod-openapi";
import { CanonicalLeadSchema } from "../domain/lead";
import {
  authErrors,
  bearerSecurity,
  bodyErrors,
  jsonBody,
  jsonResponse,
} from "../http/openapi-common";
import { newRouter } from "../http/router";
import { requireScope } from "../middleware/auth";
import { importContext } from "../pipeline/context";
import { importLeads } from "../pipeline/import-leads";
import { answeredOutcome } from "../pipeline/outcome";
import { prepareRecord } from "../pipeline/prepare";
import { ImportOptionsSchema, LeadDataSchema, OutcomeSchema, SourceSchema } from "./lead-schemas";

const ValidateRequestSchema = z
  .object({ source: SourceSchema, data: LeadDataSchema, options: ImportOptionsSchema.prefault({}) })
  .strict()
  .openapi("ValidateLeadRequest");

const IssueSchema = z.object({ field: z.string(), code: z.string(), message: z.string() });

const ValidateResponseSchema = z
  .object({
    valid: z.boolean(),
    warnings: z.array(IssueSchema),
    errors: z.array(IssueSchema),
    suggestions: z.array(z.string()),
    would: z
      .enum(["create", "update", "preserve", "reject", "suppress", "merge"])
      .openapi({ description: "What POST /sync/leads would do now" }),
    quality_score: z.number().nullable(),
    normalised: z.array(CanonicalLeadSchema),
    results: z.array(OutcomeSchema),
  })
  .openapi("ValidateLeadResponse");

const WOULD = {
  created: "create",
  merged: "merge",
  updated: "update",
  preserved: "preserve",
  rejected: "reject",
  suppressed: "suppress",
  failed: "reject",
} as const;

export const validateRoutes = newRouter();

validateRoutes.openapi(
  createRoute({
    method: "post",
    path: "/leads",
    tags: ["Sync"],
    summary: "Validate a lead and say what a sync would do, without writing anything",
    description:
      "Writes nothing, so `Idempotency-Key` is ignored: a repeated request simply answers " +
      "again from the current state.",
    security: bearerSecurity,
    middleware: [requireScope("read")] as const,
    request: { body: jsonBody(ValidateRequestSchema) },
    responses: {
      200: jsonResponse(ValidateResponseSchema, "The verdict"),
      ...bodyErrors,
      ...authErrors,
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const ctx = await importContext(c.env, {
      actor: c.var.principal.keyId,
      requestId: c.var.requestId,
      options: body.options,
      dryRun: true,
    });
    const outcomes = await importLeads(ctx, [{ index: 0, source: body.source, data: body.data }]);
    const prepared = prepareRecord(body.source, body.data, ctx.now);
    const normalised = prepared.flatMap((p) => (p.ok ? [p.lead] : []));
    const errors = outcomes.flatMap((o) => (o.action === "rejected" ? o.issues : []));
    const warnings = outcomes.flatMap((o) => (o.action === "rejected" ? [] : o.issues));
    const primary = outcomes.find((o) => o.action !== "rejected") ?? outcomes[0];
    return c.json(
      {
        valid: errors.length === 0,
        warnings,
        errors,
        suggestions: suggestions(normalised[0] ?? null),
        would: primary ? WOULD[answeredOutcome(primary).action] : "reject",
        quality_score: primary?.quality_score ?? null,
        normalised,
        results: outcomes.map(answeredOutcome),
      },
      200,
    );
  },
);

function suggestions(lead: z.infer<typeof CanonicalLeadSchema> | null): string[] {
  if (!lead) return [];
  const out: string[] = [];
  if (lead.person.phones.length === 0 && lead.company.phone === null) {
    out.push("Consider adding phone number for better contact rate");
  }
  if (lead.person.email === null) out.push("Add an email address: it is the strongest dedup key");
  if (lead.person.title === null) out.push("Add a job title to score seniority and department");
  if (lead.company.domain === null)
    out.push("Add the company website so colleagues share a client");
  return out;
}
