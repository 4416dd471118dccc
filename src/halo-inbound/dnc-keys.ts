import type { LeadRow } from "../db/leads-repo";
import { CanonicalLeadSchema } from "../domain/lead";
import { normaliseSuppressionKey, type SuppressionKey } from "../domain/suppression";

/**
 * The suppression keys of a person marked Do-Not-Contact in HaloPSA: their email and every
 * phone LeadBridge knows for them (the merged record of all providers). Normalised exactly as
 * the import checks them, so a re-import in any letter case or phone format is blocked.
 */
export function dncKeys(row: LeadRow): SuppressionKey[] {
  const keys: SuppressionKey[] = [];
  const add = (k: SuppressionKey | null) => {
    if (k && !keys.some((x) => x.kind === k.kind && x.value === k.value)) keys.push(k);
  };
  if (row.email) add(normaliseSuppressionKey("email", row.email));
  const lead = CanonicalLeadSchema.safeParse(row.canonical);
  if (lead.success) {
    if (lead.data.person.email) add(normaliseSuppressionKey("email", lead.data.person.email));
    for (const p of lead.data.person.phones) add(normaliseSuppressionKey("phone", p.e164));
  }
  return keys;
}
