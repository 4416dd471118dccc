import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/config/schema";
import { companyCompareKey, stripLegalForm } from "../../src/domain/cleanse/company";
import { mapLeadToHalo } from "../../src/domain/halo-mapping";
import { BASE, lead, NOW } from "./fixtures";

const cfg = defaultConfig();
const payloads = (company: string, legal: "strip" | "keep") =>
  mapLeadToHalo(lead("generic", { ...BASE, company }), {
    halopsa: { ...cfg.halopsa, company_legal_suffix: legal },
    leadId: "lead-1",
    companyKey: "domain:acme-example.com",
    now: NOW,
    qualityScore: 80,
    tags: [],
  });

describe("company legal forms (seed cleansing: companyName.clean)", () => {
  it('"Harbour IT Ltd." becomes "Harbour IT" by default and stays whole with the switch', () => {
    expect(cfg.halopsa.company_legal_suffix).toBe("strip");
    const stripped = payloads("Harbour IT Ltd.", "strip");
    expect(stripped.client.name).toBe("Harbour IT");
    expect(stripped.site.name).toBe("Harbour IT - Main Office");
    expect(stripped.ticket.summary).toBe("Jane Doe - Harbour IT");
    const kept = payloads("Harbour IT Ltd.", "keep");
    expect(kept.client.name).toBe("Harbour IT Ltd.");
    expect(kept.ticket.summary).toBe("Jane Doe - Harbour IT Ltd.");
  });

  it("strips the seed's forms and their international spellings, keeping brand casing", () => {
    const cases: [string, string][] = [
      ["Acme Widgets Inc", "Acme Widgets"],
      ["Data, Inc.", "Data"],
      ["Northwind LLC", "Northwind"],
      ["Contoso Corp.", "Contoso"],
      ["McDonald's Corporation", "McDonald's"],
      ["Siemens AG", "Siemens"],
      ["Bosch Rexroth GmbH", "Bosch Rexroth"],
      ["Müller Logistik GmbH & Co. KG", "Müller Logistik"],
      ["Capgemini SE", "Capgemini"],
      ["Société Générale S.A.", "Société Générale"],
      ["Atos SAS", "Atos"],
      ["Boulangerie Dupont SARL", "Boulangerie Dupont"],
      ["Philips N.V.", "Philips"],
      ["Harbour Data B.V.", "Harbour Data"],
      ["Outback IT Pty Ltd", "Outback IT"],
      ["Barclays PLC", "Barclays"],
      ["Nokia Oyj", "Nokia"],
      ["Volvo AB", "Volvo"],
      ["Equinor ASA", "Equinor"],
      ["Maersk A/S", "Maersk"],
      ["Nordic Kode ApS", "Nordic Kode"],
      ["Ferrari S.p.A.", "Ferrari"],
      ["Studio Rossi S.r.l.", "Studio Rossi"],
      ["Toyota KK", "Toyota"],
      ["Grupo Bimbo S.A. de C.V.", "Grupo Bimbo"],
    ];
    for (const [input, out] of cases) expect(stripLegalForm(input), input).toBe(out);
  });

  it("keeps brand names, acronyms and words that are not legal forms", () => {
    for (const name of [
      "IBM",
      "Harbour IT",
      "McDonald",
      "Ford Motor Company",
      "Acme Group",
      "Inc", // never emptied
      "AB InBev",
    ]) {
      expect(stripLegalForm(name), name).toBe(name);
    }
  });

  it("leaves the company key alone: with or without the form it is one company", () => {
    expect(companyCompareKey("Harbour IT Ltd.")).toBe(companyCompareKey("Harbour IT"));
    expect(companyCompareKey("Harbour IT Ltd.")).toBe("harbourit");
  });
});
