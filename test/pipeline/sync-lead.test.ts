import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { HaloDirect } from "../helpers/halo-direct";
import type { SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";

interface SyncResult {
  success: boolean;
  action: string;
  lead_id: string;
  halopsa_ticket_id: number;
  halopsa: { client_id: number; site_id: number; user_id: number; ticket_id: number };
  actions_taken: string[];
  fields_updated: string[];
  fields_preserved: string[];
  reasons: { code: string }[];
}
interface AuditEntries {
  entries: { action: string; rule: string; detail: Record<string, unknown> }[];
}

let tenant: SandboxTenant;
let auth: Record<string, string>;
let halo: HaloDirect;

beforeAll(async () => {
  ({ tenant, auth } = await tenantApp("sync"));
  halo = new HaloDirect(tenant);
});

const sync = (source: string, data: Record<string, unknown>, options?: Record<string, unknown>) =>
  api<SyncResult>("/sync/leads", {
    method: "POST",
    headers: auth,
    json: { source, data, ...(options ? { options } : {}) },
  });

const users = () => tenant.listAll("Users", "users");
const tickets = () => tenant.listAll("Tickets", "tickets");

describe("POST /sync/leads", () => {
  it("creates client, site, user and lead ticket for a new person", async () => {
    const res = await sync("generic", {
      first_name: "Ada",
      last_name: "Lovelace",
      email: "ada@analytical-engines.example",
      company: "Analytical Engines Ltd",
      website: "https://analytical-engines.example",
      title: "Chief Technology Officer",
      phone: "+44 20 7946 0018",
    });
    expect(res.status).toBe(201);
    expect(res.body.action).toBe("created");
    expect(res.body.actions_taken).toContain("lead_created");
    expect(res.body.lead_id).toMatch(/^ld_/);
    const ticket = await halo.get(`Tickets/${res.body.halopsa_ticket_id}`);
    expect(ticket.third_party_id_string).toBe(res.body.lead_id);
    expect(ticket.user_id).toBe(res.body.halopsa.user_id);
    const user = await halo.get(`Users/${res.body.halopsa.user_id}`);
    expect(user.title).toBe("Chief Technology Officer");
    expect(user.emailaddress).toBe("ada@analytical-engines.example");
    expect(user).not.toHaveProperty("jobtitle");
  });

  it("shares one client and site between colleagues, spending no client or site call", async () => {
    const first = await sync("generic", {
      first_name: "Grace",
      last_name: "Hopper",
      email: "grace@cobol-works.example",
      company: "Cobol Works",
      website: "cobol-works.example",
    });
    const before = await tenant.stats();
    const second = await sync("generic", {
      first_name: "Jean",
      last_name: "Sammet",
      email: "jean@cobol-works.example",
      company: "Cobol Works Inc.",
      website: "https://www.cobol-works.example/about",
    });
    const after = await tenant.stats();
    expect(second.body.action).toBe("created");
    expect(second.body.halopsa.client_id).toBe(first.body.halopsa.client_id);
    expect(second.body.halopsa.site_id).toBe(first.body.halopsa.site_id);
    const posts = (route: string) =>
      (after.requests_by_route[route] ?? 0) - (before.requests_by_route[route] ?? 0);
    expect(posts("POST /api/client")).toBe(0);
    expect(posts("POST /api/site")).toBe(0);
    expect(posts("POST /api/users")).toBe(1);
    expect(posts("POST /api/tickets")).toBe(1);
  });

  it("turns three email variants and a second provider into one user and one ticket", async () => {
    const base = { first_name: "Linus", last_name: "Tor", company: "Kernel Co", title: "Engineer" };
    const a = await sync("generic", { ...base, email: "linus@kernel.example" });
    const b = await sync("generic", { ...base, email: "  LINUS@Kernel.Example " });
    const c = await sync("generic", { ...base, email: "Linus@KERNEL.example" });
    const d = await sync("zoominfo", {
      firstName: "Linus",
      lastName: "Tor",
      email: "linus@kernel.example",
      companyName: "Kernel Co",
      jobTitle: "Principal Engineer",
      directPhoneNumber: "+1 415 555 0134",
    });
    expect(a.body.action).toBe("created");
    for (const r of [b, c, d]) {
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.lead_id).toBe(a.body.lead_id);
      expect(["updated", "preserved"]).toContain(r.body.action);
    }
    const matching = (await users()).filter(
      (u) => String(u.emailaddress).toLowerCase() === "linus@kernel.example",
    );
    expect(matching).toHaveLength(1);
    const leadTickets = (await tickets()).filter((t) => t.third_party_id_string === a.body.lead_id);
    expect(leadTickets).toHaveLength(1);
    // ZoomInfo's direct phone is enrichment: it reaches the user on the merge.
    expect(d.body.fields_updated).toContain("user.phonenumber");
    const user = await halo.get(`Users/${a.body.halopsa.user_id}`);
    expect(user.phonenumber).toBe("+14155550134");

    const audit = await api<AuditEntries>(`/audit?lead_id=${a.body.lead_id}`, { headers: auth });
    const actions = audit.body.entries.map((e) => e.action).reverse();
    expect(actions[0]).toBe("lead.created");
    expect(actions).toHaveLength(4);
    const last = audit.body.entries[0];
    expect(last?.detail.source).toBe("zoominfo");
    expect(last?.detail.fields_updated).toContain("user.phonenumber");
  });

  it("keeps a salesperson's edits and a moved-on status on re-import, and says why", async () => {
    const lead = {
      first_name: "Barbara",
      last_name: "Liskov",
      email: "barbara@substitution.example",
      company: "Substitution Systems",
      title: "Architect",
    };
    const first = await sync("generic", lead);
    const ids = first.body.halopsa;
    // By hand in HaloPSA: a new title on the user, and the ticket moved to "Contacted" (3).
    await halo.post("Users", [{ id: ids.user_id, title: "VP Engineering" }]);
    await halo.post("Tickets", [{ id: ids.ticket_id, status_id: 3 }]);

    const again = await sync("generic", {
      ...lead,
      title: "Senior Architect",
      phone: "+1 212 555 0101",
    });
    expect(again.body.action).toBe("preserved");
    expect(again.body.reasons[0]?.code).toBe("stage_advanced");
    expect(again.body.fields_preserved).toContain("user.title");
    const user = await halo.get(`Users/${ids.user_id}`);
    expect(user.title).toBe("VP Engineering");
    const ticket = await halo.get(`Tickets/${ids.ticket_id}`);
    expect(ticket.status_id).toBe(3);

    const audit = await api<AuditEntries>(`/audit?lead_id=${first.body.lead_id}`, {
      headers: auth,
    });
    // Newest first: the hand move read back (not one arrow: Researching was skipped), then the merge.
    expect(audit.body.entries[0]?.action).toBe("lead.external_transition");
    const entry = audit.body.entries[1];
    expect(entry?.action).toBe("lead.preserved");
    expect(entry?.rule).toBe("stage_advanced");
    expect(entry?.detail.fields_preserved).toContain("user.title");
  });

  it("keeps a hand-edited field while it updates the rest of a fresh lead", async () => {
    const lead = {
      first_name: "Edsger",
      last_name: "Dijkstra",
      email: "edsger@shortest-path.example",
      company: "Shortest Path BV",
      title: "Professor",
    };
    const first = await sync("generic", lead);
    await halo.post("Users", [{ id: first.body.halopsa.user_id, title: "Emeritus" }]);
    const again = await sync("generic", { ...lead, title: "Chair", phone: "+31 20 555 0100" });
    expect(again.body.action).toBe("updated");
    expect(again.body.fields_preserved).toContain("user.title");
    expect(again.body.fields_updated).toContain("user.phonenumber");
    const user = await halo.get(`Users/${first.body.halopsa.user_id}`);
    expect(user.title).toBe("Emeritus");
    const audit = await api<AuditEntries>(`/audit?lead_id=${first.body.lead_id}`, {
      headers: auth,
    });
    const decisions = audit.body.entries[0]?.detail.decisions as { field: string; rule: string }[];
    expect(decisions).toContainEqual(
      expect.objectContaining({ field: "user.title", rule: "manual_edit" }),
    );
  });

  it("never writes a suppressed address, from any provider, in any letter case", async () => {
    const add = await api("/suppressions", {
      method: "POST",
      headers: auth,
      json: { kind: "email", value: "Opted.Out@Quiet.example", reason: "asked by phone" },
    });
    expect(add.status).toBe(201);
    const before = await tenant.stats();
    const attempts = [
      sync("generic", {
        first_name: "Opt",
        last_name: "Out",
        email: "opted.out@quiet.example",
        company: "Quiet",
      }),
      sync("zoominfo", {
        firstName: "Opt",
        lastName: "Out",
        email: "OPTED.OUT@QUIET.EXAMPLE",
        companyName: "Quiet",
      }),
      sync("apollo", {
        person: {
          id: "5f0000000000000000000001",
          first_name: "Opt",
          last_name: "Out",
          email: " Opted.Out@Quiet.Example ",
          organization: { name: "Quiet", primary_domain: "quiet.example" },
        },
      }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(200);
      expect(res.body.action).toBe("suppressed");
      expect(res.body.lead_id).toBeNull();
    }
    const after = await tenant.stats();
    const writes = Object.entries(after.requests_by_route)
      .filter(([route]) => route.startsWith("POST /api/"))
      .reduce((n, [route, count]) => n + count - (before.requests_by_route[route] ?? 0), 0);
    expect(writes).toBe(0);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM leads WHERE email = ?")
      .bind("opted.out@quiet.example")
      .first<{ n: number }>();
    expect(rows?.n).toBe(0);
  });

  it("refuses invalid input with the field at fault and writes nothing", async () => {
    const before = await tenant.stats();
    const cases: [Record<string, unknown>, string][] = [
      [{ source: "generic", data: { first_name: "Nobody" } }, "data.email"],
      [
        { source: "generic", data: { first_name: "A", last_name: "B", email: "not-an-email" } },
        "data.email",
      ],
      [{ source: "linkedin", data: { email: "x@y.example" } }, "source"],
    ];
    for (const [json, field] of cases) {
      const res = await api<{ error: { code: string; details: { field: string } } }>(
        "/sync/leads",
        {
          method: "POST",
          headers: auth,
          json,
        },
      );
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_ERROR");
      expect(res.body.error.details.field).toBe(field);
    }
    const after = await tenant.stats();
    expect(after.requests_total).toBe(before.requests_total);
  });

  it("replays an Idempotency-Key and refuses its reuse with another body", async () => {
    const body = {
      source: "generic",
      data: {
        first_name: "Idem",
        last_name: "Potent",
        email: "idem@potent.example",
        company: "Potent",
      },
    };
    const headers = { ...auth, "Idempotency-Key": "sync-idem-0001" };
    const first = await api<SyncResult>("/sync/leads", { method: "POST", headers, json: body });
    const again = await api<SyncResult>("/sync/leads", { method: "POST", headers, json: body });
    expect(again.status).toBe(first.status);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(again.body.lead_id).toBe(first.body.lead_id);
    const other = await api<{ error: { code: string } }>("/sync/leads", {
      method: "POST",
      headers,
      json: { ...body, data: { ...body.data, title: "CEO" } },
    });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
  });
});

describe("POST /validate/leads", () => {
  it("says what a sync would do without writing anything", async () => {
    const before = await tenant.stats();
    const res = await api<{
      valid: boolean;
      would: string;
      quality_score: number;
      normalised: unknown[];
    }>("/validate/leads", {
      method: "POST",
      headers: auth,
      json: {
        source: "generic",
        data: {
          first_name: "Vera",
          last_name: "Dry",
          email: "VERA@dry-run.example",
          company: "Dry Run",
        },
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(true);
    expect(res.body.would).toBe("create");
    expect(res.body.normalised).toHaveLength(1);
    const after = await tenant.stats();
    expect(after.requests_total).toBe(before.requests_total);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM leads WHERE email = ?")
      .bind("vera@dry-run.example")
      .first<{ n: number }>();
    expect(rows?.n).toBe(0);
  });
});

describe("hostile strings", () => {
  it("writes capped, control-free values to HaloPSA and reports what was cut", async () => {
    const res = await api<SyncResult & { warnings: { field: string; code: string }[] }>(
      "/sync/leads",
      {
        method: "POST",
        headers: auth,
        json: {
          source: "generic",
          data: {
            first_name: `Nul\u0000${"n".repeat(100_000)}`,
            last_name: "Hostile",
            email: "nul.hostile@hostile.example",
            company: "Hostile Ltd",
          },
        },
      },
    );
    expect(res.status).toBe(201);
    const codes = res.body.warnings.map((w) => `${w.field}:${w.code}`);
    expect(codes).toContain("person.first_name:field_truncated");
    expect(codes).toContain("person.first_name:control_chars_removed");
    const user = (await users()).find((u) => u.emailaddress === "nul.hostile@hostile.example");
    expect(String(user?.firstname)).toHaveLength(100);
    expect(String(user?.firstname)).not.toContain("\u0000");
    expect(String(user?.name).length).toBeLessThanOrEqual(201);
  });
});
