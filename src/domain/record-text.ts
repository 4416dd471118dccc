import type { CanonicalLead } from "./lead";

/**
 * A provider's record as text that says only what the record says: keys sorted, its fetch time
 * left out (a re-fetch says nothing new). Two records with the same text are the same record;
 * the import's "same record a concurrent run just wrote" check and the merge note's digest both
 * compare this.
 */
export function recordText(lead: CanonicalLead): string {
  const { fetched_at: _ignored, ...provenance } = lead.provenance;
  return stableJson({ ...lead, provenance });
}

/** JSON with sorted keys; a key whose value is undefined is left out, as JSON.stringify does. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
