import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
// The bench's seeded dataset (inside the repo): the provider shapes an import really sees.
import { makeDataset } from "../../bench/dataset.mjs";
import { CanonicalLeadSchema } from "../../src/domain/lead";
import { CANONICAL_LEAD_VERSION, schemaFingerprint } from "../../src/domain/lead-version";
import { combine } from "../../src/pipeline/combine";
import { normaliseRecord } from "../../src/providers";
import { hostileString } from "../fuzz/arbitraries";
import { apolloJane, BASE, lead, NOW, zoominfoJane } from "./fixtures";

// A stored record stamped with CANONICAL_LEAD_VERSION is used by combine without validation.
// That is sound only while (1) the fingerprint changes with the schema and (2) every lead the
// normaliser builds — the only thing LeadBridge stores — is one the schema accepts, as D1 hands
// it back (JSON).

/** What D1 hands back for a record: its JSON, parsed. */
const stored = (l: unknown) => JSON.parse(JSON.stringify(l));

describe("canonical lead schema fingerprint", () => {
  it("is the schema's, and changes with any change to it", () => {
    expect(schemaFingerprint(CanonicalLeadSchema)).toBe(CANONICAL_LEAD_VERSION);
    const changed = [
      CanonicalLeadSchema.extend({ added: z.string() }),
      CanonicalLeadSchema.extend({
        person: CanonicalLeadSchema.shape.person.extend({ title: z.string() }),
      }),
      CanonicalLeadSchema.extend({
        person: CanonicalLeadSchema.shape.person.extend({
          email: z.string().nullable().optional(),
        }),
      }),
      CanonicalLeadSchema.extend({
        provenance: CanonicalLeadSchema.shape.provenance.extend({
          source: z.enum(["apollo", "zoominfo", "hunter", "generic", "csv"]),
        }),
      }),
      CanonicalLeadSchema.omit({ extras: true }),
    ];
    for (const s of changed) expect(schemaFingerprint(s)).not.toBe(CANONICAL_LEAD_VERSION);
  });
});

describe("what the normaliser builds, the schema accepts", () => {
  it("every lead of the bench datasets", () => {
    let n = 0;
    for (const data of [makeDataset({ leads: 900 })])
      for (const source of ["apollo", "zoominfo", "hunter"] as const)
        for (const rec of data[source] as unknown[]) {
          const r = normaliseRecord(source, rec, NOW);
          if (!r.ok) continue;
          for (const l of r.leads) {
            n++;
            expect(CanonicalLeadSchema.safeParse(stored(l)).success).toBe(true);
          }
        }
    expect(n).toBeGreaterThan(500);
  });

  it("every lead built from hostile values", () => {
    const text = fc.oneof(hostileString, fc.string(), fc.constant(null));
    fc.assert(
      fc.property(
        fc.constantFrom("generic", "apollo", "zoominfo"),
        fc.record({ a: text, b: text, c: text, d: text, e: text, f: text }),
        (source, v) => {
          const record =
            source === "apollo"
              ? {
                  person: {
                    id: v.a,
                    first_name: v.b,
                    last_name: v.c,
                    title: v.d,
                    email: "jane@acme-example.com",
                    linkedin_url: v.e,
                    departments: [v.f],
                    organization: { name: v.d, primary_domain: v.e, keywords: [v.a] },
                  },
                }
              : source === "zoominfo"
                ? {
                    id: 7,
                    firstName: v.a,
                    lastName: v.b,
                    jobTitle: v.c,
                    email: "jane@acme-example.com",
                    phone: v.d,
                    company: { name: v.e, website: v.f, country: v.a },
                  }
                : { ...BASE, first_name: v.a, title: v.b, company: v.c, industry: v.d, city: v.e };
          const r = normaliseRecord(source, record, NOW);
          if (!r.ok) return;
          for (const l of r.leads)
            expect(CanonicalLeadSchema.safeParse(stored(l)).success).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("combine with stored records", () => {
  const apollo = lead("apollo", apolloJane());
  const zoominfo = lead("zoominfo", zoominfoJane({ jobTitle: "Director of IT" }));

  it("merges a current-schema record as a validated one", () => {
    const trusted = combine(apollo, undefined, [
      { source: "zoominfo", record: stored(zoominfo), schemaVersion: CANONICAL_LEAD_VERSION },
    ]);
    const parsed = combine(apollo, undefined, [
      { source: "zoominfo", record: stored(zoominfo), schemaVersion: null },
    ]);
    expect(trusted).toEqual(parsed);
    expect(trusted.person.title).toBe("Director of IT");
  });

  it("still validates a record of another (or no) schema version and leaves out a broken one", () => {
    const broken = { ...stored(zoominfo), person: { first_name: 1 } };
    for (const schemaVersion of [null, "lead:0", undefined]) {
      const out = combine(apollo, undefined, [
        { source: "zoominfo", record: broken, schemaVersion },
      ]);
      expect(out.person.title).toBe("Head of IT");
    }
  });
});
