import { describe, expect, it } from "vitest";
import { companyKey, dedupKey } from "../../src/domain/dedup-key";
import { BASE, lead } from "./fixtures";

describe("dedup key (email → company + person → phone)", () => {
  it("email case and whitespace variants give the same key", () => {
    const keys = [
      "Jane.Doe@ACME-example.com",
      "  jane.doe@acme-example.com ",
      "mailto:JANE.DOE@acme-example.com",
    ].map((email) => dedupKey(lead("generic", { ...BASE, email })));
    for (const k of keys)
      expect(k).toEqual({ kind: "email", value: "email:jane.doe@acme-example.com" });
  });

  it("company + person when there is no email, folding suffix, case and accents", () => {
    const a = dedupKey(
      lead("generic", { ...BASE, email: null, first_name: "José", last_name: "Núñez" }),
    );
    const b = dedupKey(
      lead("generic", {
        ...BASE,
        email: "",
        company: "ACME WIDGETS, LLC",
        first_name: "JOSE",
        last_name: "NUNEZ",
      }),
    );
    expect(a).toEqual({ kind: "company_person", value: "company-person:acmewidgets-josenunez" });
    expect(b).toEqual(a);
  });

  it("phone when neither email nor full name is known", () => {
    expect(
      dedupKey(lead("generic", { first_name: "Ann", phone: "(415) 555-0101", country: "US" })),
    ).toEqual({
      kind: "phone",
      value: "phone:14155550101",
    });
  });

  it("an obfuscated surname cannot form a company + person key", () => {
    const l = lead("apollo", {
      first_name: "Priya",
      last_name_obfuscated: "S***h",
      organization: { name: "Contoso" },
      phone_numbers: [{ sanitized_number: "+14155550111" }],
    });
    expect(dedupKey(l)?.kind).toBe("phone");
  });
});

describe("company key", () => {
  it("two people at one company share it: domain first, then cleaned name", () => {
    const a = lead("generic", { ...BASE });
    const b = lead("generic", {
      ...BASE,
      email: "bob@acme-example.com",
      first_name: "Bob",
      website: "acme-example.com/team",
    });
    expect(companyKey(a)).toEqual({ kind: "domain", value: "domain:acme-example.com" });
    expect(companyKey(b)).toEqual(companyKey(a));
    const noSite = lead("generic", { ...BASE, website: null, company: "ACME WIDGETS LLC" });
    expect(companyKey(noSite)).toEqual({ kind: "name", value: "name:acmewidgets" });
  });
  it("free-mail domains never identify a company", () => {
    const l = lead("generic", { ...BASE, website: "gmail.com" });
    expect(companyKey(l)?.kind).toBe("name");
  });
});
