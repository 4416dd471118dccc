import { describe, expect, it } from "vitest";
import { CanonicalLeadSchema } from "../../src/domain/lead";
import { normaliseRecord } from "../../src/providers";
import bulk from "../fixtures/providers/apollo-bulk-match.json";
import match from "../fixtures/providers/apollo-match.json";
import { leadsOf, NOW, oneLead } from "./helpers";

describe("Apollo normaliser", () => {
  const lead = oneLead("apollo", match, { apollo: { dncStageIds: ["stage-dnc-1"] } });

  it("produces a lead that satisfies the canonical schema", () => {
    expect(CanonicalLeadSchema.safeParse(lead).success).toBe(true);
    expect(lead.provenance).toEqual({
      source: "apollo",
      record_id: "66f0c1a2b3d4e5f600112233",
      fetched_at: NOW.toISOString(),
      shape: "apollo.person",
    });
  });

  it("recases ALL-CAPS unicode names and normalises the email", () => {
    expect(lead.person.first_name).toBe("Zoë");
    expect(lead.person.last_name).toBe("Ångström");
    expect(lead.person.email).toBe("zoe.angstrom@fjordline-example.se");
    expect(lead.person.title).toBe("Head of IT 🚀 | Infrastructure");
  });

  it("reads `primary_phone: {}` as no company phone and local numbers in the company country", () => {
    expect(lead.company.phone).toBeNull();
    expect(lead.company.country_code).toBe("SE");
    expect(lead.person.phones.map((p) => [p.e164, p.type])).toEqual([
      ["+46311234567", "other"],
      ["+46701234567", "mobile"],
    ]);
  });

  it("keeps the company display name and strips www/scheme/slash from the website", () => {
    expect(lead.company.name).toBe("Fjordline Logistik AB");
    expect(lead.company.name_key).toBe("fjordlinelogistik");
    expect(lead.company.domain).toBe("fjordline-example.se");
    expect(lead.company.technologies).toContain("Azure");
  });

  it("maps the DNC contact stage, intent, funding and a recent job change", () => {
    expect(lead.flags.do_not_contact).toBe(true);
    expect(lead.signals.intent_strength).toBe("high");
    expect(lead.signals.growth).toEqual(["Series A $12M (2024-03-01)"]);
    expect(lead.signals.recent_job_change).toBe(true);
    expect(lead.extras.headline).toBe("Keeping the lights on");
  });

  it("without the DNC stage id configured the flag stays off", () => {
    expect(oneLead("apollo", match).flags.do_not_contact).toBe(false);
  });

  it("bulk match: placeholder email = no email, null match skipped, obfuscated surname unknown", () => {
    const result = normaliseRecord("apollo", bulk, NOW);
    const leads = leadsOf(result);
    expect(leads).toHaveLength(1);
    const [liam] = leads;
    expect(liam?.person.email).toBeNull();
    expect(liam?.person.first_name).toBe("Liam");
    expect(liam?.person.last_name).toBe("O'Brien");
    expect(liam?.company.name).toBe("Northwind Traders LLC");
    expect(liam?.company.domain).toBe("northwind-example.co.uk");
    expect(liam?.company.employee_count).toBe(620);
    expect(liam?.company.phone?.e164).toBe("+442079460958");
    if (!result.ok) throw new Error("unreachable");
    const codes = result.warnings.map((w) => `${w.field}:${w.code}`);
    expect(codes).toContain("matches[0].email:placeholder_email");
    expect(codes).toContain("matches[1]:no_match");
    // Priya has only "S***h": no email, no surname, no phone → not importable.
    expect(codes).toContain("matches[2].email:insufficient_identity");
  });

  it("a search hit with an obfuscated surname keeps the mask but no surname", () => {
    const l = oneLead("apollo", {
      id: "1",
      first_name: "Priya",
      last_name_obfuscated: "S***h",
      has_direct_phone: "Yes",
      email: "priya@contoso-example.com",
      organization: { name: "Contoso Pty Ltd" },
    });
    expect(l.person.last_name).toBeNull();
    expect(l.person.last_name_obfuscated).toBe("S***h");
    expect(l.person.full_name).toBe("Priya");
    expect(l.provenance.shape).toBe("apollo.search_hit");
  });

  it("email_unsubscribed / call_opted_out as string booleans, 64-bit ids as strings", () => {
    const l = oneLead("apollo", {
      person: {
        id: "1039995589705121900",
        first_name: "Ann",
        last_name: "Lee",
        email: "ann@lee-example.com",
        contact: { email_unsubscribed: "true", call_opted_out: "1" },
      },
    });
    expect(l.provenance.record_id).toBe("1039995589705121900");
    expect(l.flags.email_unsubscribed).toBe(true);
    expect(l.flags.call_opted_out).toBe(true);
  });
});
