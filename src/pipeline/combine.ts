import { safeParseFast } from "../domain/fast-parse";
import { type CanonicalLead, CanonicalLeadSchema } from "../domain/lead";
import { CANONICAL_LEAD_VERSION } from "../domain/lead-version";
import { mergeSharing } from "../domain/precedence";

/**
 * The incoming records (one per provider; `lead` alone when there is no such list) merged with
 * what other providers said before, by precedence. Stored records are D1's JSON: one written
 * under the current canonical schema (its fingerprint stored with it) is used as it is, any
 * other is read back through the schema; a stored record of a provider that sent a fresh one is
 * left out, and so is one that no longer parses. The result may share arrays and objects with the
 * records it was merged from: callers only read it (map it to payloads, serialise it to D1).
 */
export function combine(
  lead: CanonicalLead,
  sourceRecords: readonly CanonicalLead[] | undefined,
  stored: readonly { source: string; record: unknown; schemaVersion?: string | null }[],
): CanonicalLead {
  const leads: CanonicalLead[] = sourceRecords === undefined ? [lead] : [...sourceRecords];
  const fresh = new Set<string>(leads.map((l) => l.provenance.source));
  for (const s of stored) {
    if (fresh.has(s.source)) continue;
    // A record LeadBridge wrote under the current schema is one already (domain/lead-version.ts);
    // an older row, or one written by other means, is validated.
    if (s.schemaVersion === CANONICAL_LEAD_VERSION) {
      leads.push(s.record as CanonicalLead);
      continue;
    }
    const parsed = safeParseFast(CanonicalLeadSchema, s.record);
    if (parsed.success) leads.push(parsed.data);
  }
  return mergeSharing(leads) ?? lead;
}
