import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/config/schema";
import { HALO_FIELDS, mapLeadToHalo } from "../../src/domain/halo-mapping";
import haloSchema from "../fixtures/providers/halo-schema-fields.json";
import { BASE, lead, NOW } from "./fixtures";

const cfg = defaultConfig();
const ctx = {
  halopsa: cfg.halopsa,
  leadId: "lead-123",
  companyKey: "domain:acme-example.com",
  now: NOW,
  qualityScore: 100,
  tags: [{ text: "hot_leads" }],
};

describe("HaloPSA mapping", () => {
  it("every field we write exists in the HaloPSA schema (Area, Site, Users, Faults)", () => {
    for (const entity of ["client", "site", "user", "ticket"] as const) {
      for (const f of HALO_FIELDS[entity]) expect(haloSchema[entity]).toContain(f);
    }
    for (const invented of ["jobtitle", "linkedin_url", "clientname"]) {
      expect(haloSchema.user).not.toContain(invented);
    }
    expect(haloSchema.client).not.toContain("phonenumber");
  });

  it("payloads only carry those fields, with our external keys", () => {
    const p = mapLeadToHalo(
      lead("generic", { ...BASE, linkedin_url: "linkedin.com/in/jane" }),
      ctx,
    );
    for (const entity of ["client", "site", "user", "ticket"] as const) {
      for (const key of Object.keys(p[entity]))
        expect(HALO_FIELDS[entity] as readonly string[]).toContain(key);
    }
    expect(p.client).toMatchObject({
      // The seed strips legal forms (config: halopsa.company_legal_suffix).
      name: "Acme Widgets",
      website: "https://acme-example.com",
      ref: "domain:acme-example.com",
    });
    expect(p.site).toEqual({
      name: "Acme Widgets - Main Office",
      client_id: null,
      ref: "domain:acme-example.com#main",
    });
    expect(p.user).toMatchObject({
      firstname: "Jane",
      surname: "Doe",
      emailaddress: "jane.doe@acme-example.com",
      title: "IT Director",
      phonenumber: "+14155550101",
      third_party_id: "lead-123",
    });
    expect(p.user.notes).toContain("LinkedIn: https://linkedin.com/in/jane");
    expect(p.ticket).toMatchObject({
      summary: "Jane Doe - Acme Widgets",
      tickettype_id: 1,
      status_id: 1,
      priority_id: 3,
      third_party_id_string: "lead-123",
      category_1: "Lead",
      category_2: "Import",
      tags: [{ text: "hot_leads" }],
    });
  });

  it("custom fields use the configured ids and the seed's formulas", () => {
    const apollo = lead("apollo", {
      person: {
        first_name: "A",
        last_name: "B",
        email: "a@b-example.com",
        title: "Chief Technology Officer",
        seniority: "c_suite",
        departments: ["master_information_technology"],
        organization: {
          name: "B Co",
          keywords: ["msp", "cloud"],
          technology_names: ["Microsoft Office 365", "Mailchimp"],
          estimated_num_employees: 300,
          annual_revenue: 30000000,
          founded_year: 2001,
          raw_address: "1 Main St, Springfield",
        },
      },
    });
    const custom = {
      ...cfg.halopsa,
      custom_fields: { ...cfg.halopsa.custom_fields, lead_source: 9101 },
    };
    const p = mapLeadToHalo(apollo, { ...ctx, halopsa: custom });
    const byId = Object.fromEntries(p.ticket.customfields.map((c) => [c.id, c.value]));
    expect(byId[9101]).toBe("Apollo.io");
    expect(byId[101]).toBeUndefined();
    expect(byId[102]).toBe("msp, cloud");
    expect(byId[104]).toBe("Microsoft Office 365");
    expect(byId[105]).toBe(false);
    expect(byId[106]).toBe("Microsoft Office 365, Mailchimp");
    expect(byId[107]).toBe("$25M-100M");
    expect(byId[108]).toBe("201-1000");
    expect(byId[109]).toBe("C-Suite");
    expect(byId[110]).toBe("IT");
    expect(byId[112]).toBe(2001);
    expect(byId[113]).toBe("1 Main St, Springfield");
    const off = mapLeadToHalo(apollo, {
      ...ctx,
      halopsa: { ...cfg.halopsa, custom_fields_enabled: false },
    });
    expect(off.ticket.customfields).toEqual([]);
  });

  it("a suppression hit forces CF_105 to true", () => {
    const p = mapLeadToHalo(lead("generic", BASE), { ...ctx, suppressed: true });
    expect(p.ticket.customfields).toContainEqual({ id: 105, value: true });
  });
});
