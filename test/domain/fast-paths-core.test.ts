import fc from "fast-check";
import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js/min";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isAllCaps, isAllLower } from "../../src/domain/cleanse/case";
import { companyCompareKey, foldForKey } from "../../src/domain/cleanse/company";
import { toAsciiDomain } from "../../src/domain/cleanse/email";
import { builtLeadFits, fitLeadText, fitText, TEXT_LIMITS } from "../../src/domain/cleanse/limits";
import { normalisePhone } from "../../src/domain/cleanse/phone";
import { nfc, parseLooseDate } from "../../src/domain/cleanse/values";
import { websiteToDomain } from "../../src/domain/cleanse/website";
import { safeParseFast } from "../../src/domain/fast-parse";
import {
  flattenPayloadParts,
  flattenPayloads,
  mapLeadToHalo,
  personFieldMap,
} from "../../src/domain/halo-mapping";
import { CanonicalLeadSchema } from "../../src/domain/lead";
import { same, smartMerge } from "../../src/domain/merge";
import { mergeByPrecedence, mergeSharing } from "../../src/domain/precedence";
import { ApolloPersonSchema } from "../../src/providers/apollo/schema";
import { GenericLeadSchema } from "../../src/providers/generic/schema";
import { HunterDomainSearchSchema } from "../../src/providers/hunter/schema";
import { ZoomInfoContactSchema } from "../../src/providers/zoominfo/schema";
import { apolloJane, BASE, HUNTER_JANE, lead, NOW, zoominfoJane } from "./fixtures";

// The second core-speed round (issue 14, `npm run bench -- --scenario core`) added fast paths
// that skip work the full path would do for nothing. Each is checked against the full path,
// restated here as it was, on tricky and random inputs.

describe("NANP phone fast path", () => {
  // normalisePhone before the fast path: libphonenumber for every number.
  const reference = (raw: string | number, country: CountryCode | null) => {
    const text = String(raw).normalize("NFKC").trim();
    if (text === "" || !/\d/.test(text)) return null;
    const parsed = parsePhoneNumberFromString(
      text.replace(/^00(?=[1-9])/, "+"),
      country === null ? undefined : { defaultCountry: country },
    );
    if (!parsed?.isPossible()) return null;
    return { e164: parsed.number, extension: parsed.ext ?? null };
  };
  const countries: (CountryCode | null)[] = [null, "US", "CA", "GB", "DE", "BS", "JM"];

  it("gives libphonenumber's answer for every area code in the usual spellings", () => {
    for (let area = 100; area <= 999; area++) {
      for (const [ex, line] of [
        ["555", "0100"],
        ["200", "9999"],
        ["011", "1234"],
      ]) {
        for (const text of [
          `+1 ${area} ${ex} ${line}`,
          `+1${area}${ex}${line}`,
          `+1 (${area}) ${ex}-${line}`,
          `+1-${area}-${ex}-${line}`,
          `(${area}) ${ex}-${line}`,
          `${area}.${ex}.${line}`,
          `${area}${ex}${line}`,
        ]) {
          for (const c of countries) expect(normalisePhone(text, c)).toEqual(reference(text, c));
        }
      }
    }
  });

  it("leaves everything else to libphonenumber", () => {
    const tricky = [
      "+1 415 555 0100 ext. 12",
      "1-415-555-0100",
      "001 415 555 0100",
      "＋１ ４１５ ５５５ ０１００",
      " +1 415 555 0100 ",
      "+1 415  555 0100",
      "+1 415 555 010",
      "+1 415 555 01000",
      "+44 20 7946 0958",
      "020 7946 0958",
      "(415)555-0100",
      "+1 (415 555-0100",
      "tel:+1-415-555-0100",
    ];
    for (const text of tricky)
      for (const c of countries) expect(normalisePhone(text, c)).toEqual(reference(text, c));
    expect(normalisePhone(4155550100, "US")).toEqual(reference(4155550100, "US"));
    expect(normalisePhone(4155550100, null)).toEqual(reference(4155550100, null));
  });

  it("agrees on random digit and separator strings", () => {
    const phoneish = fc
      .array(fc.constantFrom(..."+1234567890 ()-.x".split("")), { maxLength: 20 })
      .map((c) => c.join(""));
    fc.assert(
      fc.property(phoneish, fc.constantFrom(...countries), (text, c) => {
        expect(normalisePhone(text, c)).toEqual(reference(text, c));
      }),
      { numRuns: 3000 },
    );
  });
});

describe("ASCII skips of Unicode normalisation", () => {
  const text = fc.oneof(
    fc.string(),
    fc
      .array(
        fc.constantFrom("A", "b", "Z", "é", "É", "ß", "İ", "ı", "1", " ", "-", "&", "\u0301"),
        {
          maxLength: 10,
        },
      )
      .map((c) => c.join("")),
  );
  const refCaps = (s: string) => {
    const letters = s.replace(/[^\p{L}]/gu, "");
    return (
      letters.length > 0 && letters === letters.toUpperCase() && letters !== letters.toLowerCase()
    );
  };
  const refLower = (s: string) => {
    const letters = s.replace(/[^\p{L}]/gu, "");
    return (
      letters.length > 0 && letters === letters.toLowerCase() && letters !== letters.toUpperCase()
    );
  };
  const refFold = (s: string) =>
    s
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]/gu, "");

  it("case tests, key folding and NFC equal the Unicode path", () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(isAllCaps(s)).toBe(refCaps(s));
        expect(isAllLower(s)).toBe(refLower(s));
        expect(foldForKey(s)).toBe(refFold(s));
        expect(nfc(s)).toBe(s.normalize("NFC"));
      }),
      { numRuns: 3000 },
    );
    expect(isAllCaps("ACME & CO. 2")).toBe(true);
    expect(isAllLower("acme & co. 2")).toBe(true);
    expect(isAllCaps("123")).toBe(false);
    expect(foldForKey("AT&T Inc.")).toBe("attinc");
  });
});

describe("toAsciiDomain plain-ASCII path", () => {
  // toAsciiDomain before this round (the first round's URL-parser skip included).
  const UNICODE_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{M}\p{N}-]{0,61}[\p{L}\p{M}\p{N}])?$/u;
  const ASCII_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
  const ASCII_TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{2,59})$/;
  const reference = (value: string): string | null => {
    const d = value.normalize("NFC").trim().toLowerCase().replace(/\.$/, "");
    if (d === "" || d.length > 253) return null;
    const typed = d.split(".");
    if (typed.length < 2 || !typed.every((l) => UNICODE_LABEL.test(l))) return null;
    let ascii: string;
    if (/^[a-z0-9.-]+$/.test(d) && !d.includes("xn--")) ascii = d;
    else
      try {
        ascii = new URL(`http://${d}/`).hostname;
      } catch {
        return null;
      }
    const labels = ascii.split(".");
    if (ascii.length > 253 || labels.length < 2) return null;
    if (!labels.every((l) => ASCII_LABEL.test(l)) || !ASCII_TLD.test(labels.at(-1) ?? ""))
      return null;
    return labels.some((l) => l.startsWith("xn--")) ? toAsciiDomain(value) : ascii;
  };
  const domainish = fc
    .array(fc.constantFrom(..."aZ09-.x".split(""), "xn--", "ü", " "), { maxLength: 16 })
    .map((c) => c.join(""));

  it("equals the two-pass check on random names", () => {
    fc.assert(
      fc.property(domainish, (d) => {
        expect(toAsciiDomain(d)).toBe(reference(d));
      }),
      { numRuns: 3000 },
    );
    for (const d of ["Acme-Example.COM.", "a.b", "a.bc", "-a.com", "a-.com", "1.2.3.4", "a..com"])
      expect(toAsciiDomain(d)).toBe(reference(d));
  });
});

describe("websiteToDomain plain-ASCII check", () => {
  // websiteToDomain before this round.
  const LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
  const reference = (value: string): string | null => {
    let s = value.normalize("NFC").trim().toLowerCase();
    if (s === "") return null;
    s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, "").replace(/^\/\//, "");
    s = s.split(/[/?#\\]/)[0] ?? "";
    const at = s.lastIndexOf("@");
    if (at >= 0) s = s.slice(at + 1);
    s = s.replace(/:\d*$/, "").replace(/\.+$/, "");
    s = s.replace(/^www\d*\./, "");
    if (s.length === 0 || s.length > 253) return null;
    const labels = s.split(".");
    if (labels.length < 2) return null;
    const tld = labels[labels.length - 1] ?? "";
    return labels.every((l) => LABEL.test(l)) && /^(?:\p{L}{2,63}|xn--[a-z0-9-]+)$/u.test(tld)
      ? s
      : null;
  };
  const websiteish = fc
    .array(
      fc.constantFrom("a", "B", "0", "-", ".", "www.", "https://", "/", ":80", "xn--", "é", "@"),
      {
        maxLength: 12,
      },
    )
    .map((c) => c.join(""));

  it("equals the regular-expression check", () => {
    fc.assert(
      fc.property(websiteish, (w) => {
        expect(websiteToDomain(w)).toBe(reference(w));
      }),
      { numRuns: 3000 },
    );
    for (const w of ["http://www.acme.example/", "www.a-b.co", "a.b1", "x.y-", "-x.yz", "1.2.3.4"])
      expect(websiteToDomain(w)).toBe(reference(w));
  });
});

describe("safeParseFast", () => {
  // Values around a schema's keys, so random records get past the first key.
  const scalar = fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.integer(),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 1.5),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.bigInt({ min: -5n, max: 5n }),
  );
  const value = fc.letrec((tie) => ({
    v: fc.oneof(
      { depthSize: "small" },
      scalar,
      fc.array(tie("v"), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom("a", "id", "name", "value", "type"), tie("v"), {
        maxKeys: 3,
      }),
    ),
  })).v;
  const recordFor = (keys: string[]) =>
    fc
      .array(fc.tuple(fc.constantFrom(...keys, "unknown_key", "other"), value), { maxLength: 8 })
      .map((entries) => Object.fromEntries(entries));

  const schemas = {
    apollo: ApolloPersonSchema,
    zoominfo: ZoomInfoContactSchema,
    hunter: HunterDomainSearchSchema,
    generic: GenericLeadSchema,
  };
  for (const [name, schema] of Object.entries(schemas)) {
    it(`answers as zod does for ${name} records`, () => {
      fc.assert(
        fc.property(recordFor(Object.keys(schema.shape)), (rec) => {
          const fast = safeParseFast(schema, rec);
          const slow = schema.safeParse(rec);
          expect(fast.success).toBe(slow.success);
          if (fast.success) expect(fast.data).toStrictEqual(slow.data);
          else expect(fast.error?.issues).toEqual(slow.error?.issues);
        }),
        { numRuns: 1500 },
      );
    });
  }

  const stored = (): unknown =>
    JSON.parse(
      JSON.stringify(
        lead("zoominfo", {
          id: 7,
          firstName: "ZOË",
          lastName: "ÅNGSTRÖM",
          email: "zoe@bücher.example",
          phone: "+1 415 555 0100",
          company: { name: "Acme", website: "acme-example.com", country: "United States" },
          extra_field: { nested: [1, 2] },
        }),
      ),
    );
  const mutations: ((l: Record<string, Record<string, unknown>>) => void)[] = [
    () => {},
    (l) => {
      l.person = { ...l.person, surplus: 1 };
    },
    (l) => {
      const { first_name, ...rest } = l.person ?? {};
      l.person = { ...rest, first_name };
    },
    (l) => {
      delete l.person?.title;
    },
    (l) => {
      if (l.person) l.person.title = 5;
    },
    (l) => {
      if (l.company) l.company.employee_count = Number.NaN;
    },
    (l) => {
      if (l.company) l.company.phone = { e164: "0123", extension: null };
    },
    (l) => {
      if (l.provenance) l.provenance.source = "linkedin";
    },
    (l) => {
      (l as Record<string, unknown>).extras = [];
    },
    (l) => {
      (l as Record<string, unknown>).extras = JSON.parse('{"__proto__": {"x": 1}}');
    },
    (l) => {
      if (l.person) l.person.email = undefined;
    },
    (l) => {
      if (l.person) l.person.phones = [undefined];
    },
  ];

  it("answers as zod does for stored canonical leads, key order included", () => {
    for (const mutate of mutations) {
      const rec = stored() as Record<string, Record<string, unknown>>;
      mutate(rec);
      const fast = safeParseFast(CanonicalLeadSchema, rec);
      const slow = CanonicalLeadSchema.safeParse(rec);
      expect(fast.success).toBe(slow.success);
      if (fast.success) {
        expect(fast.data).toStrictEqual(slow.data);
        expect(JSON.stringify(fast.data)).toBe(JSON.stringify(slow.data));
      } else expect(fast.error?.issues).toEqual(slow.error?.issues);
    }
  });

  it("leaves unions of objects, defaults and transforms to zod", () => {
    const cases: [z.ZodType, unknown][] = [
      [z.union([z.object({ a: z.string() }), z.looseObject({ a: z.string() })]), { a: "x", b: 1 }],
      [z.object({ a: z.string().default("d") }), {}],
      [z.object({ a: z.string().transform((v) => v.toUpperCase()) }), { a: "x" }],
      [z.object({ a: z.number().int() }), { a: 1.5 }],
      [z.array(z.object({ a: z.string() })), [{ a: "x", extra: 1 }]],
    ];
    for (const [schema, value] of cases) {
      const fast = safeParseFast(schema, value);
      const slow = schema.safeParse(value);
      expect(fast.success).toBe(slow.success);
      expect(JSON.stringify(fast.data)).toBe(JSON.stringify(slow.data));
    }
  });

  it("hands zod's own result back for a reordered, stripped or refused record", () => {
    const rec = stored() as Record<string, Record<string, unknown>>;
    rec.person = { ...rec.person, surplus: 1 };
    const fast = safeParseFast(CanonicalLeadSchema, rec);
    expect(fast.success).toBe(true);
    expect(fast.success && "surplus" in fast.data.person).toBe(false);
    expect(safeParseFast(CanonicalLeadSchema, null).success).toBe(false);
    expect(safeParseFast(CanonicalLeadSchema, new Date()).success).toBe(false);
  });
});

describe("fitLeadText copy-on-write", () => {
  it("returns a lead that already fits as it is, without touching its input", () => {
    const l = lead("generic", { ...BASE, technologies: ["Azure", "Office 365"] });
    const before = JSON.stringify(l);
    const { lead: fitted, warnings } = fitLeadText(l);
    expect(warnings).toEqual([]);
    expect(fitted).toStrictEqual(l);
    expect(fitted).not.toBe(l);
    expect(JSON.stringify(l)).toBe(before);
  });

  it("copies what it changes, and only that", () => {
    const l = lead("generic", { ...BASE });
    l.company.technologies = ["ok", "", "x".repeat(150), "a\u0000b"];
    l.person.location.city = "c\u0007ity";
    const before = JSON.stringify(l);
    const { lead: fitted, warnings } = fitLeadText(l);
    expect(fitted.company.technologies).toEqual(["ok", "x".repeat(100), "ab"]);
    expect(fitted.person.location.city).toBe("city");
    expect(warnings.map((w) => `${w.field}:${w.code}`).sort()).toEqual([
      "company.technologies:control_chars_removed",
      "company.technologies:field_truncated",
      "person.location.city:control_chars_removed",
    ]);
    expect(JSON.stringify(l)).toBe(before);
  });

  it("fits any text as fitText does", () => {
    const base = lead("generic", { ...BASE });
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 250 }), fc.string({ unit: "binary", maxLength: 30 })),
        (text) => {
          const l = { ...base, person: { ...base.person, title: text } };
          const expected = fitText(text, 200).value;
          expect(fitLeadText(l).lead.person.title).toBe(expected === "" ? null : expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("recomputes the company key when the name was cut", () => {
    const l = lead("generic", { ...BASE });
    l.company.name = "A".repeat(300);
    const { lead: fitted } = fitLeadText(l);
    expect(fitted.company.name).toHaveLength(TEXT_LIMITS.companyName);
    expect(fitted.company.name_key).toBe("a".repeat(TEXT_LIMITS.companyName));
    expect(l.company.name).toHaveLength(300);
  });
});

describe("precedence merge without an up-front copy", () => {
  it("copies even the values no source had, so nothing is shared", () => {
    const a = lead("hunter", {
      domain: "acme-example.com",
      organization: "Acme",
      emails: [{ value: "jane@acme-example.com", first_name: "Jane", last_name: "Doe" }],
    });
    const g = lead("generic", { email: "jane@acme-example.com" });
    const before = JSON.stringify([a, g]);
    const out = mergeByPrecedence([a, g])?.lead;
    if (out === undefined) throw new Error("no merge");
    // Empty in every source: the base's own (empty) values, as fresh objects.
    out.person.phones.push({ e164: "+1", extension: null, type: "other", raw: "", dnc: false });
    out.signals.intent_topics.push("x");
    out.company.industries.push("x");
    out.person.location.city = "Mutated";
    out.provenance.shape = "mutated";
    expect(JSON.stringify([a, g])).toBe(before);
    expect(out.person.phones).not.toBe(a.person.phones);
  });
});

describe("smart merge field order memo", () => {
  it("decides over the sorted union of fields whatever maps came before", () => {
    const lifecycle = {
      lead: {
        ticket_type_id: 1,
        statuses: { new_lead: 1, researching: 2, contacted: 3, qualified: 4, unqualified: 5 },
        priority_id: 4,
      },
    } as unknown as Parameters<typeof smartMerge>[0]["lifecycle"];
    const maps = [
      { "user.title": "A", "user.name": "B" },
      { "user.name": "B", "user.title": "A" },
      { "user.name": "B", "ticket.summary": "S" },
      { "user.name": "B" },
      {},
    ];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...maps), fc.constantFrom(...maps)), { maxLength: 30 }),
        (pairs) => {
          for (const [incoming, current] of pairs) {
            const r = smartMerge({
              current,
              lastWritten: current,
              incoming,
              ticket: { tickettype_id: 1, status_id: 1 },
              lifecycle,
              options: { update_existing: true },
              policies: {},
            } as Parameters<typeof smartMerge>[0]);
            const expected = [
              ...new Set([...Object.keys(incoming), ...Object.keys(current)]),
            ].sort();
            expect(r.decisions.map((d) => d.field)).toEqual(expected);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("payload fields split by owner", () => {
  it("company and person parts are flattenPayloads' fields, in its order", () => {
    const l = lead("generic", { ...BASE });
    const payloads = mapLeadToHalo(l, {
      halopsa: {
        custom_fields: {} as never,
        lifecycle: {
          lead: { ticket_type_id: 1, statuses: { new_lead: 1 }, priority_id: 4 },
        } as never,
        custom_fields_enabled: true,
        company_legal_suffix: "strip",
      },
      leadId: "ld_1",
      companyKey: "domain:acme-example.com",
      now: NOW,
      qualityScore: 90,
      tags: [],
    });
    const flat = flattenPayloads(payloads);
    const { company, person } = flattenPayloadParts(payloads);
    expect(Object.keys(company)).toEqual(
      Object.keys(flat).filter((k) => k.startsWith("client.") || k.startsWith("site.")),
    );
    expect(Object.keys(person)).toEqual(
      Object.keys(flat).filter((k) => k.startsWith("user.") || k.startsWith("ticket.")),
    );
    expect({ ...company, ...person }).toEqual(flat);
  });
});

describe("person fields built directly", () => {
  const leads = [
    lead("generic", { ...BASE }),
    lead("generic", { email: "solo@acme-example.com" }),
    lead(
      "apollo",
      apolloJane(
        {
          email: "jane.doe@acme-example.com",
          linkedin_url: "https://linkedin.com/in/jane",
          seniority: "head",
          departments: ["master_information_technology"],
          phone_numbers: [
            { sanitized_number: "+14155550199", type: "mobile" },
            { sanitized_number: "+14155550100", type: "work_hq" },
          ],
        },
        { name: "Acme Widgets" },
      ),
    ),
    lead("zoominfo", zoominfoJane({ phone: "+1 415 555 0100" })),
    lead("hunter", HUNTER_JANE),
  ];
  const text = fc.option(fc.constantFrom("", "Jane", "x y", "Acme Inc"), { nil: null });

  it("is flattenPayloadParts(mapLeadToHalo(…)).person, keys in the same order", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...leads),
        fc.record({
          first_name: text,
          last_name: text,
          full_name: text,
          email: text,
          title: text,
          last_name_obfuscated: text,
          company: text,
          phones: fc.boolean(),
        }),
        fc.boolean(),
        fc.constantFrom("strip", "keep") as fc.Arbitrary<"strip" | "keep">,
        (base, v, enabled, suffix) => {
          const l = structuredClone(base);
          l.person.first_name = v.first_name;
          l.person.last_name = v.last_name;
          l.person.full_name = v.full_name;
          l.person.email = v.email;
          l.person.title = v.title;
          l.person.last_name_obfuscated = v.last_name_obfuscated;
          l.company.name = v.company;
          if (!v.phones) l.person.phones = [];
          const halopsa = {
            custom_fields: { lead_source: 101, do_not_contact: 105 } as never,
            lifecycle: {
              lead: { ticket_type_id: 3, statuses: { new_lead: 7 }, priority_id: 4 },
            } as never,
            custom_fields_enabled: enabled,
            company_legal_suffix: suffix,
          };
          const ctx = { halopsa, leadId: "ld_1", now: NOW, qualityScore: 55 };
          const payloads = mapLeadToHalo(l, { ...ctx, companyKey: "domain:x", tags: [] });
          // buildPayloads empties the custom values when custom fields are off.
          if (!enabled) payloads.custom = {};
          const expected = flattenPayloadParts(payloads).person;
          const got = personFieldMap(l, ctx);
          expect(Object.entries(got)).toEqual(Object.entries(expected));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("a built lead that already fits", () => {
  const text = fc.oneof(
    fc.constant(null),
    fc.constantFrom("", "Jane", "a\u0007b", "x".repeat(101), "y".repeat(201), "z".repeat(4001)),
    fc.string({ maxLength: 20 }),
  );
  const list = fc.array(fc.oneof(fc.constantFrom("", "ok", "x".repeat(101)), fc.string()), {
    maxLength: 3,
  });

  it("is one fitLeadText leaves as it is, with no warning", () => {
    const base = lead("generic", { ...BASE });
    expect(builtLeadFits(base)).toBe(true);
    let fitting = 0;
    fc.assert(
      fc.property(
        fc.record({
          first_name: text,
          full_name: text,
          title: text,
          email_status: text,
          city: text,
          name: text,
          industry: text,
          hq_raw: text,
          last_seen_at: text,
          departments: list,
          keywords: list,
          growth: list,
        }),
        (v) => {
          const l = structuredClone(base);
          l.person.first_name = v.first_name;
          l.person.full_name = v.full_name;
          l.person.title = v.title;
          l.person.email_status = v.email_status as never;
          l.person.location.city = v.city;
          l.company.name = v.name;
          l.company.name_key = companyCompareKey(v.name);
          l.company.industry = v.industry;
          l.company.hq.raw = v.hq_raw;
          l.signals.last_seen_at = v.last_seen_at;
          l.person.departments = v.departments;
          l.company.keywords = v.keywords;
          l.signals.growth = v.growth;
          const fitted = fitLeadText(l);
          if (builtLeadFits(l)) {
            fitting++;
            expect(fitted.warnings).toEqual([]);
            expect(fitted.lead).toEqual(l);
          }
        },
      ),
      { numRuns: 2000 },
    );
    expect(fitting).toBeGreaterThan(0);
  });
});

describe("precedence merge sharing its inputs", () => {
  const pool = [
    lead("generic", { ...BASE }),
    lead(
      "apollo",
      apolloJane(
        {
          departments: ["master_information_technology"],
          phone_numbers: [{ sanitized_number: "+14155550199", type: "mobile" }],
        },
        { keywords: ["msp"] },
      ),
    ),
    lead(
      "zoominfo",
      zoominfoJane({
        jobTitle: "CTO",
        phone: "+1 415 555 0100",
        company: { name: "Acme Inc", website: "acme-example.com", country: "United States" },
      }),
    ),
    lead("hunter", HUNTER_JANE),
  ];

  it("merges to mergeByPrecedence's lead, keys in the same order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...pool.keys()), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        (picks, viaJson) => {
          // As combine sees them: fresh leads, or stored ones read back from JSON.
          const leads = picks.map((i) => {
            const l = pool[i] as (typeof pool)[number];
            return viaJson ? JSON.parse(JSON.stringify(l)) : l;
          });
          const expected = mergeByPrecedence(leads)?.lead;
          const got = mergeSharing(leads);
          expect(JSON.stringify(got)).toBe(JSON.stringify(expected));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("merge value comparison in place", () => {
  // `same` before the in-place path: trimmed, lower-cased copies compared.
  const norm = (v: unknown) =>
    v === null || v === undefined || (typeof v === "string" && v.trim() === "")
      ? ""
      : String(v).trim();
  const reference = (a: unknown, b: unknown) =>
    a === b || norm(a).toLowerCase() === norm(b).toLowerCase();
  const text = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.string({ unit: "binary", maxLength: 6 }),
    fc.constantFrom(" Acme ", "ACME", "acme", "\u00a0acme", "acme\u2003", "İstanbul", "i̇stanbul"),
    fc.constantFrom("\tA\n", "a", "", " ", "ΣΑΣ", "σας", "STRASSE", "straße"),
  );
  const value = fc.oneof(text, fc.constant(null), fc.integer({ min: -3, max: 3 }), fc.boolean());

  it("answers as the copying comparison", () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(same(a, b)).toBe(reference(a, b));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(text, fc.constantFrom("", " ", "\t"), (a, pad) => {
        // Equal texts up to case and padding, so the comparison does not stop early.
        expect(same(`${pad}${a.toUpperCase()}`, `${a.toLowerCase()}${pad}`)).toBe(
          reference(`${pad}${a.toUpperCase()}`, `${a.toLowerCase()}${pad}`),
        );
      }),
      { numRuns: 3000 },
    );
  });
});

describe("dates formatted from their fields", () => {
  it("parseLooseDate answers as Date.prototype.toISOString", () => {
    const reference = (y: number, mo: number, d: number, h: number, mi: number, sec: number) => {
      const date = new Date(Date.UTC(y, mo - 1, d, h, mi, sec));
      if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
      return date.toISOString();
    };
    const p2 = (n: number) => String(n).padStart(2, "0");
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 1, max: 11 }),
        (y, mo, d, h) => {
          const year = String(y).padStart(4, "0");
          expect(parseLooseDate(`${mo}/${d}/${year} ${h}:07:09 PM`)).toBe(
            reference(y, mo, d, h + 12, 7, 9),
          );
          expect(parseLooseDate(`${year}-${p2(mo)}-${p2(d)}`)).toBe(reference(y, mo, d, 0, 0, 0));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
