import { type ImportCounts, ZERO_IMPORT_COUNTS } from "../domain/analytics";
import { LEAD_SOURCES } from "../domain/lead";
import type { ImportOutcome } from "./outcome";

/**
 * A run's outcomes counted per source, for the analytics rollup. A deferred person is not
 * counted: another pass (or the chunk's redelivery) gives it its real outcome. A record whose
 * source is not one we know counts as `unknown` (it was rejected for that).
 */
export function countBySource(
  inputs: readonly { index: number; source: unknown }[],
  outcomes: readonly ImportOutcome[],
): Map<string, ImportCounts> {
  const sourceOf = new Map<number, string>();
  for (const input of inputs) {
    const s = input.source;
    sourceOf.set(
      input.index,
      typeof s === "string" && (LEAD_SOURCES as readonly string[]).includes(s) ? s : "unknown",
    );
  }
  const counts = new Map<string, ImportCounts>();
  for (const o of outcomes) {
    if (o.action === "deferred") continue;
    const source = sourceOf.get(o.index) ?? "unknown";
    const c = counts.get(source) ?? { ...ZERO_IMPORT_COUNTS };
    c[o.action] += 1;
    counts.set(source, c);
  }
  return counts;
}
