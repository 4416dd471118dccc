import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import { z } from "zod";
import { newId } from "../ids";
import type { Statement } from "./batch";
import { chunk } from "./chunk";
import type { Db } from "./client";
import { providerFeedback } from "./schema";

export type FeedbackRow = typeof providerFeedback.$inferSelect;
export type NewFeedback = Omit<typeof providerFeedback.$inferInsert, "id" | "createdAt">;

/** Insert statements for feedback rows: 12 rows of 7 columns stay under D1's 100 parameters. */
export function feedbackInserts(db: Db, rows: NewFeedback[], now: Date): Statement[] {
  const at = now.toISOString();
  return chunk(
    rows.map((r) => ({ ...r, id: newId("fb", now.getTime()), createdAt: at })),
    12,
  ).map((part) => db.insert(providerFeedback).values(part));
}

const Decision = z.object({ field: z.string(), action: z.string(), rule: z.string().nullish() });
const MergeDetail = z.object({
  source: z.string(),
  decisions: z.array(Decision).default([]),
  status_change: z
    .object({
      from: z.object({ stage: z.string(), status: z.string() }),
      to: z.object({ stage: z.string(), status: z.string() }),
    })
    .optional(),
});

/**
 * Feedback the import path observes, read from its audit entries (as the webhook outbox is):
 * a person field somebody corrected by hand in HaloPSA (merge rule `manual_edit`) is a contact
 * correction for the provider whose record was merged; a lead whose HaloPSA status moved
 * (`status_change`) is an outcome. No provider accepts either (DESIGN: "Bi-directional
 * feedback"), so they are kept for `GET /feedback`.
 */
export function feedbackFromAudit(
  entries: { action: string; leadId?: string | null; entityId?: string | null; detail?: unknown }[],
): NewFeedback[] {
  const out: NewFeedback[] = [];
  for (const e of entries) {
    if (e.action !== "lead.updated" && e.action !== "lead.preserved") continue;
    const d = MergeDetail.safeParse(e.detail);
    if (!d.success || d.data.source === "generic") continue;
    const leadId = e.leadId ?? e.entityId ?? null;
    const corrected = d.data.decisions.filter((x) => x.rule === "manual_edit").map((x) => x.field);
    if (corrected.length > 0) {
      out.push({
        provider: d.data.source,
        kind: "contact_correction",
        leadId,
        email: null,
        detail: {
          fields: corrected,
          note: "edited by hand in HaloPSA; the provider's value differs",
        },
      });
    }
    if (d.data.status_change) {
      out.push({
        provider: d.data.source,
        kind: "outcome",
        leadId,
        email: null,
        detail: { from: d.data.status_change.from, to: d.data.status_change.to },
      });
    }
  }
  return out;
}

export async function listFeedback(
  db: Db,
  filter: { provider?: string; kind?: string; cursor?: string; limit: number },
): Promise<FeedbackRow[]> {
  const where: SQL[] = [];
  if (filter.provider) where.push(eq(providerFeedback.provider, filter.provider));
  if (filter.kind) where.push(eq(providerFeedback.kind, filter.kind));
  if (filter.cursor) where.push(lt(providerFeedback.id, filter.cursor));
  return db
    .select()
    .from(providerFeedback)
    .where(and(...where))
    .orderBy(desc(providerFeedback.id))
    .limit(filter.limit);
}
