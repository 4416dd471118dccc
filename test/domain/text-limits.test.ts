import { describe, expect, it } from "vitest";
import { fitText, TEXT_LIMITS } from "../../src/domain/cleanse/limits";
import { parseConsentFlag } from "../../src/domain/cleanse/values";
import { normaliseRecord } from "../../src/providers";

const NOW = new Date("2026-11-30T12:00:00Z");

describe("text fitted for HaloPSA", () => {
  it("cuts to the limit without splitting a surrogate pair, and strips control characters", () => {
    expect(fitText("abcdef", 4)).toEqual({
      value: "abcd",
      truncated: true,
      controlsRemoved: false,
    });
    expect(fitText("ab😀", 3).value).toBe("ab");
    expect(fitText("A\u0000B\u0007C\u009f", 10)).toEqual({
      value: "ABC",
      truncated: false,
      controlsRemoved: true,
    });
  });

  it("caps every mapped field of a hostile record and says what it cut", () => {
    const r = normaliseRecord(
      "generic",
      {
        first_name: `Zo\u0000ë${"x".repeat(100_000)}`,
        last_name: "Ng",
        email: "zoe@acme.example",
        company: "A".repeat(5_000),
        title: "CTO\u0007",
        technologies: Array.from({ length: 10_000 }, (_, i) => `tech ${i}`),
      },
      NOW,
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const lead = r.leads[0];
    expect(lead?.person.first_name?.length).toBe(TEXT_LIMITS.name);
    expect(lead?.person.first_name?.startsWith("Zoëxxx")).toBe(true);
    expect(lead?.person.title).toBe("CTO");
    expect(lead?.company.name?.length).toBe(TEXT_LIMITS.companyName);
    expect(lead?.company.technologies).toHaveLength(TEXT_LIMITS.listItems);
    const codes = r.warnings.map((w) => `${w.field}:${w.code}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        "person.first_name:control_chars_removed",
        "person.first_name:field_truncated",
        "person.title:control_chars_removed",
        "company.name:field_truncated",
        "company.technologies:field_truncated",
      ]),
    );
    expect(codes).not.toContain("person.last_name:field_truncated");
  });
});

describe("consent flags", () => {
  it("reads an unrecognised value as set, with a warning", () => {
    expect(parseConsentFlag("x", "do_not_contact")).toMatchObject({
      set: true,
      issue: { field: "do_not_contact", code: "unrecognised_flag" },
    });
    expect(parseConsentFlag("no", "f")).toEqual({ set: false, issue: null });
    expect(parseConsentFlag("", "f")).toEqual({ set: false, issue: null });
    expect(parseConsentFlag(undefined, "f")).toEqual({ set: false, issue: null });
  });

  it("never turns an unknown do-not-contact value into 'may contact' (generic and ZoomInfo)", () => {
    const generic = normaliseRecord(
      "generic",
      { first_name: "A", last_name: "B", email: "a@b.example", do_not_contact: "x" },
      NOW,
    );
    if (!generic.ok) throw new Error("generic refused");
    expect(generic.leads[0]?.flags.do_not_contact).toBe(true);
    expect(generic.warnings).toContainEqual(
      expect.objectContaining({ field: "do_not_contact", code: "unrecognised_flag" }),
    );

    const zoominfo = normaliseRecord(
      "zoominfo",
      { firstName: "A", lastName: "B", email: "a@b.example", doNotEmail: "x", doNotCall: "?" },
      NOW,
    );
    if (!zoominfo.ok) throw new Error("zoominfo refused");
    expect(zoominfo.leads[0]?.flags.do_not_contact).toBe(true);
    expect(zoominfo.warnings.filter((w) => w.code === "unrecognised_flag")).toHaveLength(2);
  });
});
