import { safeParseFast } from "../domain/fast-parse";
import { type CanonicalLead, CanonicalLeadSchema } from "../domain/lead";
import { mergeByPrecedence } from "../domain/precedence";

/**
 * The incoming records (one per provider; `lead` alone when there is no such list) merged with
 * what other providers said before, by precedence. Stored records are D1's JSON, read back
 * through the canonical schema; a stored record of a provider that sent a fresh one is left
 * out, and so is one that no longer parses. The result may share arrays and objects with the
 * records it was merged from: callers only read it (map it to payloads, serialise it to D1).
 */
export function combine(
  lead: CanonicalLead,
  sourceRecords: readonly CanonicalLead[] | undefined,
  stored: readonly { source: string; record: unknown }[],
): CanonicalLead {
  const leads: CanonicalLead[] = sourceRecords === undefined ? [lead] : [...sourceRecords];
  const fresh = new Set<string>(leads.map((l) => l.provenance.source));
  for (const s of stored) {
    if (fresh.has(s.source)) continue;
    const parsed = safeParseFast(CanonicalLeadSchema, s.record);
    if (parsed.success) leads.push(parsed.data);
  }
  return mergeByPrecedence(leads, { share: true })?.lead ?? lead;
}
