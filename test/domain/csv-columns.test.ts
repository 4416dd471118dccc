import { describe, expect, it } from "vitest";
import {
  normaliseHeader,
  planColumns,
  planHasIdentity,
  rowToLead,
} from "../../src/domain/csv-columns";
import { normaliseRecord } from "../../src/providers";

const NOW = new Date("2026-11-30T12:00:00Z");

describe("CSV export headers", () => {
  it("treats case, spacing and punctuation as the same header", () => {
    for (const h of ["First Name", "first_name", "FIRST-NAME", "firstName", " first  name "])
      expect(normaliseHeader(h)).toBe("firstname");
    expect(normaliseHeader("# Employees")).toBe("employees");
  });

  it("maps Apollo's people export", () => {
    const header = [
      "First Name",
      "Last Name",
      "Title",
      "Company",
      "Email",
      "Email Status",
      "Person Linkedin Url",
      "Website",
      "Company Linkedin Url",
      "Industry",
      "# Employees",
      "City",
      "State",
      "Country",
      "Corporate Phone",
      "Mobile Phone",
      "Seniority",
      "Apollo Contact Id",
    ];
    const plan = planColumns(header);
    expect(plan.ignored).toEqual(["Email Status", "Company Linkedin Url"]);
    const lead = rowToLead(plan, [
      "Ada",
      "Lovelace",
      "CTO",
      "Engines Ltd",
      "ada@engines.example",
      "Verified",
      "http://www.linkedin.com/in/ada",
      "http://engines.example",
      "",
      "Computing",
      "120",
      "London",
      "",
      "United Kingdom",
      "+44 20 7946 0000",
      "",
      "c_suite",
      "5f1",
    ]);
    expect(lead).toEqual({
      first_name: "Ada",
      last_name: "Lovelace",
      title: "CTO",
      company: "Engines Ltd",
      email: "ada@engines.example",
      linkedin_url: "http://www.linkedin.com/in/ada",
      website: "http://engines.example",
      industry: "Computing",
      employees: "120",
      city: "London",
      country: "United Kingdom",
      company_phone: "+44 20 7946 0000",
      management_level: "c_suite",
      external_id: "5f1",
    });
  });

  it("maps ZoomInfo's contact export, revenue from thousands of USD", () => {
    const plan = planColumns([
      "First Name",
      "Last Name",
      "Job Title",
      "Company Name",
      "Email Address",
      "Direct Phone Number",
      "Mobile phone",
      "Website",
      "Employees",
      "Revenue (in 000s USD)",
      "Person City",
      "ZoomInfo Contact ID",
    ]);
    expect(plan.ignored).toEqual([]);
    const lead = rowToLead(plan, [
      "Zoe",
      "Z",
      "CIO",
      "Zed Inc",
      "zoe@zed.example",
      "617-555-0100",
      "",
      "www.zed.example",
      "250",
      "25,000",
      "Boston",
      "900001",
    ]);
    expect(lead).toMatchObject({
      title: "CIO",
      company: "Zed Inc",
      phone: "617-555-0100",
      revenue: "25000000",
      city: "Boston",
      external_id: "900001",
    });
  });

  it("maps Hunter's domain-search export, and the first of two columns for a field wins", () => {
    const plan = planColumns([
      "Email address",
      "First name",
      "Last name",
      "Position",
      "Department",
      "Seniority",
      "Phone number",
      "LinkedIn URL",
      "Domain name",
      "Organization",
      "Company",
    ]);
    expect(plan.ignored).toEqual(["Company"]);
    expect(
      rowToLead(plan, [
        "h@hunt.example",
        "Hu",
        "Nter",
        "Head of Ops",
        "operations",
        "executive",
        "",
        "https://linkedin.com/in/hunter",
        "hunt.example",
        "Hunt SAS",
        "Other",
      ]),
    ).toMatchObject({ title: "Head of Ops", website: "hunt.example", company: "Hunt SAS" });
  });

  it("keeps a mapped row a flat lead under every source (no native-record markers)", () => {
    const plan = planColumns(["Email", "Seniority", "Position", "Domain name", "First Name"]);
    const lead = rowToLead(plan, ["x@flat.example", "vp", "CEO", "flat.example", "Xi"]);
    for (const source of ["apollo", "zoominfo", "hunter", "generic"]) {
      const r = normaliseRecord(source, lead, NOW);
      expect(r.ok, source).toBe(true);
      if (!r.ok) continue;
      expect(r.leads[0]?.person.email).toBe("x@flat.example");
      expect(r.leads[0]?.provenance.shape, source).toBe("generic");
    }
  });

  it("knows when a header cannot identify anyone", () => {
    expect(planHasIdentity(planColumns(["Company", "City"]))).toBe(false);
    expect(planHasIdentity(planColumns(["Company", "Mobile Phone"]))).toBe(true);
  });
});
