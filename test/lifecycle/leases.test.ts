import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../../src/db/client";
import { claimLeads } from "../../src/db/leads-repo";
import { auditLog, leads } from "../../src/db/schema";
import { api } from "../helpers/api";
import { HaloDirect } from "../helpers/halo-direct";
import type { SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";
import { seedLeads } from "./seed";

// Leases shared with the import path, and HaloPSA as the system of record.

let tenant: SandboxTenant;
let auth: Record<string, string>;
let halo: HaloDirect;

beforeAll(async () => {
  const app = await tenantApp("lifecycle-leases");
  tenant = app.tenant;
  auth = app.auth;
  halo = new HaloDirect(tenant);
});

describe("transitions and concurrent writers", () => {
  it("a lead an import holds answers 409 lead_busy and nothing is written", async () => {
    const [lead] = await seedLeads(halo, [{ stage: "lead", status: "new_lead" }], "held");
    const db = database(env.DB);
    const now = Date.now();
    // Another run (an import) holds the person's lease.
    await claimLeads(
      db,
      { token: "import-run", nowMs: now, expiresAt: now + 60_000 },
      {
        inserts: [],
        dedupKeys: [],
        ids: [lead?.id as string],
      },
    );
    const before = (await tenant.stats()).requests_by_route["POST /api/tickets"] ?? 0;
    const res = await api<{ error: { code: string; details: { reason: string } } }>(
      `/leads/${lead?.id}/status`,
      { method: "PUT", headers: auth, json: { status: "researching" } },
    );
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: "CONFLICT", details: { reason: "lead_busy" } });
    expect(res.headers.get("Retry-After")).toBe("5");
    expect((await tenant.stats()).requests_by_route["POST /api/tickets"] ?? 0).toBe(before);
    const [row] = await db
      .select()
      .from(leads)
      .where(eq(leads.id, lead?.id as string));
    expect([row?.status, row?.claimToken]).toEqual(["new_lead", "import-run"]);
  });

  it("releases its own leases, so the next transition and import can take the lead", async () => {
    const [lead] = await seedLeads(halo, [{ stage: "lead", status: "new_lead" }], "free");
    for (const status of ["researching", "contacted"]) {
      const res = await api(`/leads/${lead?.id}/status`, {
        method: "PUT",
        headers: auth,
        json: { status },
      });
      expect(res.status).toBe(200);
    }
    const [row] = await database(env.DB)
      .select()
      .from(leads)
      .where(eq(leads.id, lead?.id as string));
    expect([row?.status, row?.claimToken, row?.claimExpiresAt]).toEqual(["contacted", null, null]);
  });

  it("a status set by hand in HaloPSA is adopted first, then the transition is checked from it", async () => {
    const [lead] = await seedLeads(halo, [{ stage: "lead", status: "new_lead" }], "hand");
    // A salesperson moves the ticket to Contacted in HaloPSA (not a legal arrow from New Lead).
    await halo.post("Tickets", [{ id: lead?.ticketId, status_id: 3 }]);
    const res = await api<{
      from: { status: string };
      external_transition: { from: { status: string }; to: { status: string } } | null;
    }>(`/leads/${lead?.id}/status`, {
      method: "PUT",
      headers: auth,
      json: { status: "engaged", reason: "Asked for a proposal" },
    });
    expect(res.status).toBe(200);
    expect(res.body.from.status).toBe("contacted");
    expect(res.body.external_transition).toMatchObject({
      from: { status: "new_lead" },
      to: { status: "contacted" },
    });
    const audit = await database(env.DB)
      .select()
      .from(auditLog)
      .where(eq(auditLog.leadId, lead?.id as string));
    expect(audit.map((a) => a.action)).toEqual(["lead.external_transition", "lead.transition"]);
  });
});
