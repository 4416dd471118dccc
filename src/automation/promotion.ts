import { engagedLeadsWithQualification } from "../db/automation-repo";
import type { LeadRow } from "../db/leads-repo";
import { missingForConversion } from "../domain/lifecycle";
import type { LifecycleContext } from "../lifecycle/context";
import { applyTransitions, type TransitionResult } from "../lifecycle/transitions";

/** One sweep converts at most this many leads: one batch of transitions (≤ 3 HaloPSA calls). */
export const PROMOTION_BATCH = 100;
/** Engaged leads looked at per sweep (D1 only); the rest wait for the next minute. */
const SCAN_LIMIT = 500;

/**
 * The seed's rule 1, "Auto-promotion: Leads with status Engaged can be auto-converted to
 * Prospects", bound by its rule 4 ("Validate required attributes before allowing status
 * progression"): an engaged lead whose qualification data is complete (the five criteria the
 * conversion requires) becomes a New Prospect, through the transition service, audited with
 * the actor `rule:auto_promotion`. A lead still missing data is left alone — a salesperson
 * converts it with the data (`POST /prospects/convert/{id}`).
 */
export function promotable(row: LeadRow): boolean {
  return (
    row.stage === "lead" &&
    row.status === "engaged" &&
    row.haloTicketId !== null &&
    missingForConversion(row.lifecycle?.qualification).length === 0
  );
}

export async function promoteEngaged(
  ctx: LifecycleContext,
  rows: readonly LeadRow[],
): Promise<TransitionResult[]> {
  const ready = rows.filter(promotable).slice(0, PROMOTION_BATCH);
  if (!ctx.config.automation.auto_promotion || ready.length === 0) return [];
  return applyTransitions(
    ctx,
    ready.map((row) => ({
      lead_id: row.id,
      to: { stage: "prospect", status: "new_prospect" },
      reason: "Auto-promotion: engaged lead with complete qualification data",
    })),
    { kind: "rule", rule: "auto_promotion" },
  );
}

/**
 * The minute cron's pass: engaged leads however they got there (a call, `PUT /leads/{id}/status`,
 * a hand edit read back from HaloPSA). Bounded: one D1 query and at most one transition batch.
 */
export async function sweepPromotions(ctx: LifecycleContext): Promise<TransitionResult[]> {
  if (!ctx.config.automation.auto_promotion) return [];
  const rows = await engagedLeadsWithQualification(ctx.db, SCAN_LIMIT);
  return promoteEngaged(ctx, rows);
}
