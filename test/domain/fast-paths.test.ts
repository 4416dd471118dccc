import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toAsciiDomain } from "../../src/domain/cleanse/email";
import { fitLeadText, fitText } from "../../src/domain/cleanse/limits";
import { cleanString } from "../../src/domain/cleanse/values";
import { cloneData, mergeByPrecedence } from "../../src/domain/precedence";
import { lead } from "./fixtures";

// The core-speed work (issue 14, `npm run bench -- --scenario core`) added fast paths that skip
// work when the input is already in its final form. Each must give exactly what the full path
// gives; the full paths are restated here as they were before, as the reference.

const referenceCleanString = (value: string): string | null => {
  const s = value.normalize("NFC").replace(/\s+/g, " ").trim();
  return s === "" ? null : s;
};

/** Strings biased towards the fast path's edge: ASCII words, spaces, tabs, NBSP, accents. */
const textish = fc
  .array(
    fc.constantFrom("a", "Z", "0", " ", "  ", "\t", "\n", "\u00a0", "é", "e\u0301", "-", "."),
    {
      maxLength: 12,
    },
  )
  .map((parts) => parts.join(""));

describe("cleanString fast path", () => {
  it("equals the full NFC + collapse + trim for any string", () => {
    fc.assert(
      fc.property(fc.oneof(textish, fc.string(), fc.string({ unit: "binary" })), (s) => {
        expect(cleanString(s)).toBe(referenceCleanString(s));
      }),
      { numRuns: 2000 },
    );
  });

  it("keeps tidy ASCII as is and still repairs untidy text", () => {
    expect(cleanString("Acme Widgets Inc")).toBe("Acme Widgets Inc");
    expect(cleanString(" Acme  Widgets ")).toBe("Acme Widgets");
    expect(cleanString("Acme\tWidgets")).toBe("Acme Widgets");
    expect(cleanString("Zoe\u0308")).toBe("Zoë");
    expect(cleanString("   ")).toBeNull();
  });
});

describe("toAsciiDomain fast path (plain ASCII names skip the URL parser)", () => {
  const referenceHost = (d: string): string | null => {
    try {
      return new URL(`http://${d}/`).hostname;
    } catch {
      return null;
    }
  };
  const label = fc
    .array(fc.constantFrom(..."abz09-x".split("")), { minLength: 1, maxLength: 8 })
    .map((c) => c.join(""));
  const plainDomain = fc
    .array(label, { minLength: 1, maxLength: 4 })
    .map((labels) => labels.join("."));

  it("accepts a plain ASCII domain exactly when the URL host parser returns it unchanged and it passes the label rules", () => {
    fc.assert(
      fc.property(plainDomain, (d) => {
        const got = toAsciiDomain(d);
        if (got !== null) expect(referenceHost(d)).toBe(got);
      }),
      { numRuns: 2000 },
    );
  });

  it("still sends IDN and punycode names through the URL parser", () => {
    expect(toAsciiDomain("Bücher.example")).toBe("xn--bcher-kva.example");
    expect(toAsciiDomain("xn--bcher-kva.example")).toBe("xn--bcher-kva.example");
    expect(toAsciiDomain("xn--zz.example")).toBeNull();
    expect(toAsciiDomain("acme-example.com")).toBe("acme-example.com");
    expect(toAsciiDomain("1.2.3.4")).toBeNull();
    expect(toAsciiDomain("a.0x1")).toBeNull();
    expect(toAsciiDomain("foo-.com")).toBeNull();
  });
});

describe("fitText fast path", () => {
  it("returns short clean text untouched, and cuts or cleans the rest as before", () => {
    expect(fitText("hello", 10)).toEqual({
      value: "hello",
      truncated: false,
      controlsRemoved: false,
    });
    expect(fitText("hel\u0007lo", 10)).toEqual({
      value: "hello",
      truncated: false,
      controlsRemoved: true,
    });
    expect(fitText("hello world", 5)).toEqual({
      value: "hello",
      truncated: true,
      controlsRemoved: false,
    });
  });

  it("still reports every cut field by its path", () => {
    const l = lead("generic", { email: "a@acme-example.com", title: "x".repeat(300) });
    l.person.title = "x".repeat(300);
    l.company.hq.city = "c\u0000ity";
    const { lead: fitted, warnings } = fitLeadText(l);
    expect(fitted.person.title).toHaveLength(200);
    expect(fitted.company.hq.city).toBe("city");
    expect(warnings.map((w) => `${w.field}:${w.code}`).sort()).toEqual([
      "company.hq.city:control_chars_removed",
      "person.title:field_truncated",
    ]);
  });
});

describe("precedence merge copies", () => {
  it("cloneData deep-copies JSON data and shares no reference", () => {
    const src = { a: [1, { b: "c" }], d: { e: null, f: true } };
    const copy = cloneData(src);
    expect(copy).toEqual(src);
    expect(copy.a).not.toBe(src.a);
    expect(copy.a[1]).not.toBe(src.a[1]);
    expect(copy.d).not.toBe(src.d);
  });

  it("cloneData falls back to structuredClone for non-plain objects", () => {
    const when = new Date("2026-01-01T00:00:00Z");
    const copy = cloneData({ when });
    expect(copy.when).toBeInstanceOf(Date);
    expect(copy.when).not.toBe(when);
    expect(copy.when.getTime()).toBe(when.getTime());
  });

  it("the merged lead shares no object with its inputs", () => {
    const a = lead("apollo", {
      person: {
        id: "ap-1",
        first_name: "Jane",
        last_name: "Doe",
        email: "jane@acme-example.com",
        phone_numbers: [{ sanitized_number: "+14155550199", type: "mobile" }],
        departments: ["master_information_technology"],
        organization: { name: "Acme", primary_domain: "acme-example.com" },
      },
    });
    const z = lead("zoominfo", {
      id: 7,
      firstName: "Jane",
      lastName: "Doe",
      email: "jane@acme-example.com",
      phone: "+1 415 555 0100",
      company: { name: "Acme", website: "acme-example.com", country: "United States" },
    });
    const before = JSON.stringify([a, z]);
    const merged = mergeByPrecedence([a, z]);
    if (merged === null) throw new Error("no merge");
    const out = merged.lead;
    const phone = out.person.phones[0];
    if (phone === undefined) throw new Error("the merged lead lost its phone");
    phone.e164 = "+14155550000";
    out.person.phones.push({ ...phone });
    out.person.departments.push("x");
    out.person.location.city = "Mutated";
    out.company.hq.city = "Mutated";
    out.extras.added = true;
    expect(JSON.stringify([a, z])).toBe(before);
  });
});
