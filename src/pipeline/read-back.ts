import type { AuditEntry } from "../db/audit";
import { checkTransition, type StateRef } from "../domain/lifecycle";

/** The audit actor of a change somebody made in HaloPSA, which LeadBridge only observed. */
export const HALOPSA_ACTOR = "halopsa";

interface StatusChange {
  from: StateRef;
  to: StateRef;
}

/**
 * HaloPSA is the system of record. When a merge read back a ticket whose type or status maps to
 * another lifecycle state than LeadBridge had (someone moved it by hand), the lead row already
 * follows it (merge-leads.ts records the state HaloPSA shows); this adds the lifecycle's audit
 * entry for the move, with the actor `halopsa`: `lead.transition` when it is one of the seed's
 * arrows, `lead.external_transition` when it is not (a skipped step, a move backwards) — never
 * refused. The move's `lead.status_changed` event (observed in HaloPSA) is announced by that
 * entry, so the merge's own entry stops carrying it.
 */
export function readBackTransitions(
  audit: readonly AuditEntry[],
  ticketOf: (leadId: string) => number | null,
): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (const entry of audit) {
    const detail = entry.detail as { status_change?: StatusChange } | null | undefined;
    const change = detail?.status_change;
    if (!change || (entry.action !== "lead.updated" && entry.action !== "lead.preserved")) {
      out.push(entry);
      continue;
    }
    const { status_change: _moved, ...rest } = detail as Record<string, unknown>;
    out.push({ ...entry, detail: { ...rest, halopsa_state: change.to } });
    const legal = checkTransition(change.from, change.to).ok;
    out.push({
      actor: HALOPSA_ACTOR,
      action: legal ? "lead.transition" : "lead.external_transition",
      entity: "lead",
      entityId: entry.entityId ?? entry.leadId ?? null,
      leadId: entry.leadId ?? null,
      rule: "halopsa_system_of_record",
      detail: {
        from: change.from,
        to: change.to,
        reason: "changed in HaloPSA",
        value: null,
        observed_in: "halopsa",
        halopsa: { ticket_id: entry.leadId ? ticketOf(entry.leadId) : null },
      },
      requestId: entry.requestId ?? null,
    });
  }
  return out;
}
