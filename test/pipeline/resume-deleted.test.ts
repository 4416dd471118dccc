import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { database } from "../../src/db/client";
import { loadConfig } from "../../src/db/config-repo";
import { runChunk } from "../../src/jobs/chunk-runner";
import { createImportJob } from "../../src/jobs/create-job";
import type { ImportContext } from "../../src/pipeline/context";
import { haloPort } from "../../src/pipeline/halo-adapter";
import type { HaloPort } from "../../src/pipeline/halo-port";
import { importLeads } from "../../src/pipeline/import-leads";
import { DEFAULT_IMPORT_OPTIONS } from "../../src/pipeline/options";
import { api } from "../helpers/api";
import { HaloDirect } from "../helpers/halo-direct";
import type { SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";

interface SyncBody {
  action: string;
  lead_id: string;
  actions_taken: string[];
  reasons: { code: string }[];
  halopsa: { client_id: number; site_id: number; user_id: number; ticket_id: number };
}
interface AuditEntries {
  entries: { action: string; rule: string; detail: Record<string, unknown> }[];
}

const sync = (auth: Record<string, string>, data: Record<string, unknown>) =>
  api<SyncBody>("/sync/leads", {
    method: "POST",
    headers: auth,
    json: { source: "generic", data },
  });

async function usersWithEmail(tenant: SandboxTenant, email: string) {
  return (await tenant.listAll("Users", "users")).filter(
    (u) => String(u.emailaddress ?? "").toLowerCase() === email,
  );
}

describe("a run that dies holding its leases", () => {
  it("is taken over after the lease expires and resumes without a duplicate", async () => {
    const { tenant } = await tenantApp("crash");
    const db = database(env.DB);
    const { config } = await loadConfig(db);
    const real = haloPort(env, config, { maxWaitMs: 5_000 });
    let posted: () => void = () => undefined;
    const userPosted = new Promise<void>((resolve) => {
      posted = resolve;
    });
    // The user POST reaches HaloPSA, then the run never comes back (a killed isolate).
    const dying: HaloPort = {
      ...real,
      createUsers: async (records, opts) => {
        await real.createUsers(records, opts);
        posted();
        return new Promise<number[]>(() => undefined);
      },
    };
    let clock = Date.now();
    const ctx = (halo: HaloPort): ImportContext => ({
      db,
      halo,
      config,
      now: new Date(),
      actor: "test",
      requestId: null,
      options: DEFAULT_IMPORT_OPTIONS,
      leases: { ttlMs: 60_000, clock: () => clock },
    });
    const email = "crash.test@resume.example";
    const input = [
      {
        index: 0,
        source: "generic",
        data: { first_name: "Crash", last_name: "Test", email, company: "Resume Ltd" },
      },
    ];
    void importLeads(ctx(dying), input);
    await userPosted;

    const row = await env.DB.prepare(
      "SELECT claim_token, write_pending, halo_user_id FROM leads WHERE email = ?",
    )
      .bind(email)
      .first<{ claim_token: string | null; write_pending: number; halo_user_id: number | null }>();
    expect(row?.claim_token).not.toBeNull();
    expect(row?.write_pending).toBe(1);
    expect(row?.halo_user_id).toBeNull();
    expect(await usersWithEmail(tenant, email)).toHaveLength(1);

    // While the dead run's lease lives, nobody else writes the person.
    const early = await importLeads(ctx(real), input);
    expect(early.map((o) => o.action)).toEqual(["deferred"]);

    clock += 61_000;
    const after = await importLeads(ctx(real), input);
    expect(after.map((o) => o.action)).toEqual(["created"]);
    const users = await usersWithEmail(tenant, email);
    expect(users).toHaveLength(1);
    expect(after[0]?.halopsa.user_id).toBe(users[0]?.id);
    const tickets = (await tenant.listAll("Tickets", "tickets")).filter(
      (t) => t.user_id === users[0]?.id,
    );
    expect(tickets).toHaveLength(1);
  });
});

describe("records deleted in HaloPSA", () => {
  it("creates a deleted user again, moves the surviving ticket to it and audits lead.recreated", async () => {
    const { tenant, auth } = await tenantApp("deleted");
    const halo = new HaloDirect(tenant);
    const email = "gone.user@deleted.example";
    const lead = {
      first_name: "Gone",
      last_name: "User",
      email,
      company: "Deleted Co",
      title: "Manager",
    };
    const first = await sync(auth, lead);
    expect(first.status).toBe(201);
    await halo.delete(`Users/${first.body.halopsa.user_id}`);

    const again = await sync(auth, { ...lead, title: "Director", phone: "+1 212 555 0147" });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.lead_id).toBe(first.body.lead_id);
    expect(again.body.actions_taken).toContain("lead_recreated");
    expect(again.body.reasons[0]?.code).toBe("halopsa_record_deleted");
    const users = await usersWithEmail(tenant, email);
    expect(users).toHaveLength(1);
    expect(users[0]?.id).toBe(again.body.halopsa.user_id);
    expect(again.body.halopsa.user_id).not.toBe(first.body.halopsa.user_id);
    expect(users[0]?.title).toBe("Director");
    // The lead ticket survived its user: it now belongs to the new one.
    expect(again.body.halopsa.ticket_id).toBe(first.body.halopsa.ticket_id);
    const ticket = await halo.get(`Tickets/${first.body.halopsa.ticket_id}`);
    expect(ticket.user_id).toBe(again.body.halopsa.user_id);

    const audit = await api<AuditEntries>(`/audit?lead_id=${first.body.lead_id}`, {
      headers: auth,
    });
    const entry = audit.body.entries[0];
    expect(entry?.action).toBe("lead.recreated");
    expect(entry?.detail.deleted_in_halopsa).toEqual(["user"]);

    // And it is an ordinary lead again: the next import merges.
    const third = await sync(auth, { ...lead, title: "Director", phone: "+1 212 555 0147" });
    expect(third.status).toBe(200);
    expect(["updated", "preserved"]).toContain(third.body.action);
    expect(await usersWithEmail(tenant, email)).toHaveLength(1);
  });

  it("creates a new user and ticket when both were deleted, from a bulk chunk too", async () => {
    const { tenant, auth } = await tenantApp("deleted-bulk");
    const halo = new HaloDirect(tenant);
    const email = "both.gone@deleted.example";
    const lead = { first_name: "Both", last_name: "Gone", email, company: "Gone Too" };
    const first = await sync(auth, lead);
    await halo.delete(`Tickets/${first.body.halopsa.ticket_id}`);
    await halo.delete(`Users/${first.body.halopsa.user_id}`);
    const send = vi.spyOn(env.JOBS, "sendBatch").mockResolvedValue(undefined as never);
    const job = await createImportJob(env, {
      kind: "bulk",
      source: "generic",
      records: [{ ...lead, title: "Owner" }],
      options: { ...DEFAULT_IMPORT_OPTIONS, continue_on_error: false },
      createdBy: "test",
    });
    send.mockRestore();
    expect(await runChunk(env, job.id, 0, new Date())).toEqual({ kind: "done" });
    const item = await env.DB.prepare("SELECT status, action FROM job_items WHERE job_id = ?")
      .bind(job.id)
      .first<{ status: string; action: string }>();
    expect(item).toEqual({ status: "done", action: "created" });
    const users = await usersWithEmail(tenant, email);
    expect(users).toHaveLength(1);
    const tickets = (await tenant.listAll("Tickets", "tickets")).filter(
      (t) => t.user_id === users[0]?.id,
    );
    expect(tickets).toHaveLength(1);
    expect(tickets[0]?.third_party_id_string).toBe(first.body.lead_id);
  });

  for (const answer of ["reject_400", "not_found_404"] as const) {
    it(`heals a user deleted between the read and the update (sandbox answers ${answer})`, async () => {
      const { tenant, auth } = await tenantApp(`deleted-race-${answer}`);
      await tenant.knobs({ upsert_missing_id: answer });
      const halo = new HaloDirect(tenant);
      const email = `race.${answer}@deleted.example`;
      const lead = { first_name: "Race", last_name: "Gone", email, company: "Racing Co" };
      const first = await sync(auth, lead);
      const db = database(env.DB);
      const { config } = await loadConfig(db);
      const real = haloPort(env, config, { maxWaitMs: 5_000 });
      // The merge reads the user, then someone deletes it before the update is sent.
      const stale: HaloPort = {
        ...real,
        getUsers: async (ids) => {
          const found = await real.getUsers(ids);
          await halo.delete(`Users/${first.body.halopsa.user_id}`);
          return found;
        },
      };
      const ctx = (port: HaloPort): ImportContext => ({
        db,
        halo: port,
        config,
        now: new Date(),
        actor: "test",
        requestId: null,
        options: DEFAULT_IMPORT_OPTIONS,
      });
      const input = [{ index: 0, source: "generic", data: { ...lead, phone: "+1 646 555 0188" } }];
      const failed = await importLeads(ctx(stale), input);
      expect(failed.map((o) => o.action)).toEqual(["failed"]);
      // The next attempt (a retried chunk, a repeated sync) finds the user gone and recreates.
      const healed = await importLeads(ctx(real), input);
      expect(healed.map((o) => o.action)).toEqual(["created"]);
      expect(healed[0]?.actions_taken).toContain("lead_recreated");
      expect(await usersWithEmail(tenant, email)).toHaveLength(1);
    });
  }

  it("leaves the person alone under on_deleted: skip, and says why", async () => {
    const { tenant, auth } = await tenantApp("deleted-skip");
    const put = await api("/config", {
      method: "PUT",
      headers: auth,
      json: { halopsa: { on_deleted: "skip" } },
    });
    expect(put.status).toBe(200);
    const halo = new HaloDirect(tenant);
    const email = "skip.me@deleted.example";
    const lead = { first_name: "Skip", last_name: "Me", email, company: "Skipped", title: "A" };
    const first = await sync(auth, lead);
    await halo.delete(`Users/${first.body.halopsa.user_id}`);
    // A new phone is something to write, so the merge reads the user back and finds it gone.
    const again = await sync(auth, { ...lead, phone: "+1 646 555 0123" });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.action).toBe("preserved");
    expect(again.body.reasons.map((r) => r.code)).toEqual(["halopsa_user_missing"]);
    expect(await usersWithEmail(tenant, email)).toHaveLength(0);
  });
});
