import { describe, expect, it } from "vitest";
import { normaliseRecord } from "../../src/providers";
import { NOW, oneLead } from "./helpers";

describe("generic flat form and invalid input", () => {
  it("accepts the seed's flat form for any source, snake or camel case", () => {
    const l = oneLead("zoominfo", {
      firstName: "jane",
      lastName: "DOE",
      email: "mailto:Jane.Doe@Example-Corp.com",
      companyName: "example corp inc.",
      jobTitle: "CFO",
      phone: "(212) 555-0199 x7",
      website: "https://www.example-corp.com/contact",
      country: "USA",
      favourite_colour: "teal",
    });
    expect(l.provenance.source).toBe("zoominfo");
    expect(l.provenance.shape).toBe("zoominfo.legacy");
    expect(l.person.first_name).toBe("Jane");
    expect(l.person.last_name).toBe("Doe");
    expect(l.person.email).toBe("jane.doe@example-corp.com");
    expect(l.company.name).toBe("Example Corp Inc.");
    const g = oneLead("generic", {
      first_name: "jane",
      last_name: "doe",
      email: " JANE.DOE@example-corp.com",
      company: "Example Corp",
      phone: "(212) 555-0199 x7",
      country: "USA",
      favourite_colour: "teal",
    });
    expect(g.person.phones[0]).toMatchObject({ e164: "+12125550199", extension: "7" });
    expect(g.extras).toEqual({ favourite_colour: "teal" });
  });

  it("no email, no company + name, no phone → issue naming the email field", () => {
    const r = normaliseRecord("generic", { first_name: "Solo", company: "Acme" }, NOW);
    expect(r).toEqual({
      ok: false,
      issues: [expect.objectContaining({ field: "email", code: "insufficient_identity" })],
    });
  });

  it("a malformed email is an issue even when other keys exist", () => {
    const r = normaliseRecord(
      "generic",
      { first_name: "A", last_name: "B", company: "C", email: "a@@b" },
      NOW,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toEqual([expect.objectContaining({ field: "email", code: "invalid_email" })]);
  });

  it("an unknown source is an issue on `source`", () => {
    const r = normaliseRecord("lusha", { email: "a@b-example.com" }, NOW);
    expect(r).toEqual({
      ok: false,
      issues: [expect.objectContaining({ field: "source", code: "unknown_source" })],
    });
  });

  it("a non-object record and a wrongly typed field are issues, not exceptions", () => {
    expect(normaliseRecord("apollo", "hello", NOW)).toMatchObject({
      ok: false,
      issues: [{ field: "data", code: "not_an_object" }],
    });
    const r = normaliseRecord(
      "apollo",
      { person: { email: "a@b-example.com", organization: "Acme" } },
      NOW,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0]?.field).toBe("person.organization");
  });

  it("phone-only leads are accepted (seed's third dedup key)", () => {
    const l = oneLead("generic", { phone: "+44 20 7946 0958" });
    expect(l.person.phones[0]?.e164).toBe("+442079460958");
  });
});
