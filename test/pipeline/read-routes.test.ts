import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { bearer, issueKey } from "../helpers/keys";
import { tenantApp } from "../helpers/tenant-app";

interface Lead {
  id: string;
  source: string;
  lists: string[];
  email: string | null;
}
interface LeadPage {
  leads: Lead[];
  pagination: { next_cursor: string | null };
}

let auth: Record<string, string>;
const created: Record<string, string> = {};

beforeAll(async () => {
  ({ auth } = await tenantApp("reads"));
  const people = [
    [
      "generic",
      {
        first_name: "Rosa",
        last_name: "Read",
        email: "rosa@clinic-one.example",
        company: "Clinic One",
        industry: "Hospital & Health Care",
      },
    ],
    [
      "zoominfo",
      {
        firstName: "Ravi",
        lastName: "Read",
        email: "ravi@lawfirm.example",
        companyName: "Law Firm LLP",
      },
    ],
    [
      "generic",
      {
        first_name: "Rene",
        last_name: "Read",
        email: "rene@factory.example",
        company: "Factory Works",
      },
    ],
  ] as const;
  for (const [source, data] of people) {
    const res = await api<{ lead_id: string }>("/sync/leads", {
      method: "POST",
      headers: auth,
      json: { source, data },
    });
    created[data.email] = res.body.lead_id;
  }
});

describe("GET /leads", () => {
  it("filters by source and text, and pages with a cursor", async () => {
    const bySource = await api<LeadPage>("/leads?source=zoominfo", { headers: auth });
    expect(bySource.body.leads.map((l) => l.email)).toEqual(["ravi@lawfirm.example"]);
    const byText = await api<LeadPage>("/leads?q=FACTORY", { headers: auth });
    expect(byText.body.leads.map((l) => l.email)).toEqual(["rene@factory.example"]);
    const literal = await api<LeadPage>("/leads?q=%25", { headers: auth });
    expect(literal.body.leads).toEqual([]);

    const first = await api<LeadPage>("/leads?limit=2", { headers: auth });
    expect(first.body.leads).toHaveLength(2);
    const cursor = first.body.pagination.next_cursor;
    expect(cursor).not.toBeNull();
    const second = await api<LeadPage>(`/leads?limit=2&cursor=${cursor}`, { headers: auth });
    expect(second.body.leads).toHaveLength(1);
    expect(second.body.pagination.next_cursor).toBeNull();
    const all = [...first.body.leads, ...second.body.leads].map((l) => l.id);
    expect(new Set(all).size).toBe(3);
  });

  it("shows one lead with its merged record, and 404s an unknown one", async () => {
    const id = created["rosa@clinic-one.example"] ?? "";
    const one = await api<Lead & { record: { person: { email: string } } }>(`/leads/${id}`, {
      headers: auth,
    });
    expect(one.status).toBe(200);
    expect(one.body.record.person.email).toBe("rosa@clinic-one.example");
    const missing = await api<{ error: { code: string } }>(`/leads/ld_${"0".repeat(26)}`, {
      headers: auth,
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("RESOURCE_NOT_FOUND");
  });
});

describe("GET /lists", () => {
  it("counts members and lists a segment's leads", async () => {
    const lists = await api<{ lists: { id: string; lead_count: number }[] }>("/lists", {
      headers: auth,
    });
    const count = (id: string) => lists.body.lists.find((l) => l.id === id)?.lead_count;
    expect(count("zoominfo_leads")).toBe(1);
    expect(count("healthcare_leads")).toBe(1);
    const members = await api<LeadPage>("/lists/healthcare_leads/leads", { headers: auth });
    expect(members.body.leads.map((l) => l.email)).toEqual(["rosa@clinic-one.example"]);
  });
});

describe("suppressions", () => {
  it("normalises entries, finds them by any spelling, and lets only an admin remove one, audited", async () => {
    const add = await api<{ id: string; value: string }>("/suppressions", {
      method: "POST",
      headers: auth,
      json: {
        kind: "phone",
        value: "(415) 555-0172",
        default_country: "US",
        reason: "DNC registry",
      },
    });
    expect(add.status).toBe(201);
    expect(add.body.value).toBe("+14155550172");
    const again = await api("/suppressions", {
      method: "POST",
      headers: auth,
      json: { kind: "phone", value: "+1 415 555 0172" },
    });
    expect(again.status).toBe(200);
    const found = await api<{ suppressions: { id: string }[] }>(
      "/suppressions?kind=phone&value=%2B1%20415%20555%200172",
      { headers: auth },
    );
    expect(found.body.suppressions.map((s) => s.id)).toEqual([add.body.id]);

    const writer = await issueKey(["write"]);
    const refused = await api(`/suppressions/${add.body.id}`, {
      method: "DELETE",
      headers: bearer(writer),
    });
    expect(refused.status).toBe(403);
    const removed = await api(`/suppressions/${add.body.id}`, { method: "DELETE", headers: auth });
    expect(removed.status).toBe(204);
    const audit = await api<{ entries: { action: string; rule: string }[] }>(
      "/audit?entity=suppression&action=suppression.removed",
      { headers: auth },
    );
    expect(audit.body.entries[0]?.rule).toBe("admin_override");
  });

  it("refuses a value that is not a valid address, naming the field", async () => {
    const res = await api<{ error: { details: { field: string } } }>("/suppressions", {
      method: "POST",
      headers: auth,
      json: { kind: "email", value: "not an email" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.field).toBe("value");
  });
});
