import { safeParseFast } from "../domain/fast-parse";
import { type CanonicalLead, CanonicalLeadSchema } from "../domain/lead";
import { mergeByPrecedence } from "../domain/precedence";

/**
 * The incoming record merged with what other providers said before, by precedence. Stored
 * records are D1's JSON, read back through the canonical schema; one that no longer parses is
 * left out rather than failing the merge.
 */
export function combine(
  incoming: CanonicalLead,
  stored: { source: string; record: unknown }[],
): CanonicalLead {
  const leads: CanonicalLead[] = [incoming];
  for (const s of stored) {
    if (s.source === incoming.provenance.source) continue;
    const parsed = safeParseFast(CanonicalLeadSchema, s.record);
    if (parsed.success) leads.push(parsed.data);
  }
  return mergeByPrecedence(leads)?.lead ?? incoming;
}
