import type { z } from "zod";
import { CanonicalLeadSchema } from "./lead";
import { defOf } from "./zod-def";

/**
 * A fingerprint of CanonicalLeadSchema's structure (every key in order, every type, wrapper,
 * enum value and regex), stored with each provider record LeadBridge writes
 * (`lead_sources.schema_version`). Every record LeadBridge writes is a canonical lead built by
 * its own normaliser, which only ever builds leads the schema accepts
 * (test/domain/lead-version.test.ts holds it to that on random provider records). So a record
 * read back under the same fingerprint is a lead of the current schema already, and the
 * import's combine uses it without a second validation; a row of an older schema (another
 * fingerprint, or none) is parsed in full. Computed from the schema, not kept by hand: a
 * schema change cannot forget to change it.
 */
export const CANONICAL_LEAD_VERSION = schemaFingerprint(CanonicalLeadSchema);

/** The fingerprint of any zod schema's structure. */
export function schemaFingerprint(schema: z.ZodType): string {
  return fingerprint(describe(schema));
}

/** The schema's structure as text: the parts of a zod 4 definition that decide what it accepts. */
function describe(schema: z.ZodType): string {
  const def = defOf(schema);
  const checks = (def.checks ?? [])
    .map((c) => {
      const d = c._zod.def;
      return `${String(d.check)}:${String(d.format)}:${d.pattern instanceof RegExp ? d.pattern.toString() : ""}`;
    })
    .join(",");
  const parts: string[] = [def.type, checks];
  if (def.innerType) parts.push(describe(def.innerType));
  if (def.element) parts.push(describe(def.element));
  if (def.options) parts.push(def.options.map(describe).join("|"));
  if (def.shape)
    parts.push(
      Object.entries(def.shape)
        .map(([k, v]) => `${k}=${describe(v)}`)
        .join(";"),
    );
  if (def.catchall) parts.push(`*=${describe(def.catchall)}`);
  if (def.keyType) parts.push(describe(def.keyType));
  if (def.valueType) parts.push(describe(def.valueType));
  if (def.entries) parts.push(JSON.stringify(Object.values(def.entries)));
  return `(${parts.join(" ")})`;
}

/** cyrb53: a 53-bit string hash, as hex. Not for secrets; only tells schema versions apart. */
function fingerprint(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `lead:${(4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16)}`;
}
