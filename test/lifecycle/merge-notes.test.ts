import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../../src/db/client";
import { loadConfig } from "../../src/db/config-repo";
import type { ImportContext } from "../../src/pipeline/context";
import { haloPort } from "../../src/pipeline/halo-adapter";
import type { HaloPort } from "../../src/pipeline/halo-port";
import { importLeads } from "../../src/pipeline/import-leads";
import { DEFAULT_IMPORT_OPTIONS } from "../../src/pipeline/options";
import { api } from "../helpers/api";
import { HaloDirect } from "../helpers/halo-direct";
import type { SandboxStats, SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";

interface SyncBody {
  action: string;
  lead_id: string;
  fields_updated: string[];
  fields_preserved: string[];
  halopsa: { user_id: number; ticket_id: number };
}

let tenant: SandboxTenant;
let auth: Record<string, string>;
let halo: HaloDirect;

beforeAll(async () => {
  ({ tenant, auth } = await tenantApp("notes"));
  halo = new HaloDirect(tenant);
});

const sync = (data: Record<string, unknown>) =>
  api<SyncBody>("/sync/leads", {
    method: "POST",
    headers: auth,
    json: { source: "generic", data },
  });

const notesOn = async (ticketId: number) =>
  (
    ((await halo.get(`Actions?ticket_id=${ticketId}`)).actions ?? []) as Record<string, unknown>[]
  ).filter((a) => String(a.note ?? "").includes("Auto-updated from"));

const posts = (before: SandboxStats, after: SandboxStats, route: string) =>
  (after.requests_by_route[route] ?? 0) - (before.requests_by_route[route] ?? 0);

const person = (n: number) => ({
  first_name: "Note",
  last_name: `Taker${n}`,
  email: `note.taker${n}@merge-notes.example`,
  company: "Merge Notes Ltd",
  title: "Analyst",
});

async function context(halo?: HaloPort): Promise<ImportContext> {
  const { config } = await loadConfig(database(env.DB));
  return {
    db: database(env.DB),
    halo: halo ?? haloPort(env, config, { maxWaitMs: 5_000 }),
    config,
    now: new Date(),
    actor: "test",
    requestId: null,
    options: DEFAULT_IMPORT_OPTIONS,
  };
}

describe("merge notes", () => {
  it("writes the seed's note as a private Action, leaving the ticket's own notes alone", async () => {
    const first = await sync(person(1));
    await halo.post("Users", [{ id: first.body.halopsa.user_id, title: "Head of Analysis" }]);
    const ticketBefore = await halo.get(`Tickets/${first.body.halopsa.ticket_id}`);
    const again = await sync({ ...person(1), title: "Lead Analyst", phone: "+44 20 7946 0101" });
    expect(again.body.action).toBe("updated");
    const notes = await notesOn(first.body.halopsa.ticket_id);
    expect(notes).toHaveLength(1);
    const note = String(notes[0]?.note);
    expect(note).toMatch(/Auto-updated from generic:\n✓ Updated: .*user\.phonenumber/);
    expect(note).toMatch(/🔒 Preserved: .*user\.title/);
    expect(notes[0]?.hiddenfromuser).toBe(true);
    const ticketAfter = await halo.get(`Tickets/${first.body.halopsa.ticket_id}`);
    expect(ticketAfter.details).toBe(ticketBefore.details);
    expect(ticketAfter.notes ?? null).toBe(ticketBefore.notes ?? null);
  });

  it("sends one Actions POST for every merge of a chunk", async () => {
    const ids = [10, 11, 12, 13, 14, 15];
    const ctx = await context();
    await importLeads(
      ctx,
      ids.map((n, index) => ({ index, source: "generic", data: person(n) })),
    );
    const before = await tenant.stats();
    const outcomes = await importLeads(
      await context(),
      ids.map((n, index) => ({
        index,
        source: "generic",
        data: { ...person(n), phone: `+44 20 7946 02${n}` },
      })),
    );
    const after = await tenant.stats();
    expect(outcomes.map((o) => o.action)).toEqual(ids.map(() => "updated"));
    expect(posts(before, after, "POST /api/actions")).toBe(1);
    for (const o of outcomes) expect(await notesOn(o.halopsa?.ticket_id ?? 0)).toHaveLength(1);
  });

  it("does not note a retried chunk twice, nor re-post a note a dead run left pending", async () => {
    const first = await sync(person(20));
    await halo.post("Users", [{ id: first.body.halopsa.user_id, title: "Chief Analyst" }]);
    const input = [
      {
        index: 0,
        source: "generic",
        data: { ...person(20), title: "VP", phone: "+1 212 555 0120" },
      },
    ];
    // The note reaches HaloPSA, then the run loses the answer (it never learns the action id).
    const { config } = await loadConfig(database(env.DB));
    const real = haloPort(env, config, { maxWaitMs: 5_000 });
    const losing: HaloPort = {
      ...real,
      addActions: async (records, opts) => {
        await real.addActions(records, opts);
        throw new Error("connection reset after the POST");
      },
    };
    const lost = await importLeads(await context(losing), input);
    expect(lost[0]?.action).toBe("updated");
    const pending = await env.DB.prepare("SELECT state FROM merge_notes WHERE lead_id = ?")
      .bind(first.body.lead_id)
      .first<{ state: string }>();
    expect(pending?.state).toBe("pending");
    expect(await notesOn(first.body.halopsa.ticket_id)).toHaveLength(1);

    // The chunk is delivered again: the pending note is looked up by its text, not re-posted.
    const before = await tenant.stats();
    await importLeads(await context(), input);
    const mid = await tenant.stats();
    expect(posts(before, mid, "POST /api/actions")).toBe(0);
    expect(await notesOn(first.body.halopsa.ticket_id)).toHaveLength(1);
    const written = await env.DB.prepare("SELECT state FROM merge_notes WHERE lead_id = ?")
      .bind(first.body.lead_id)
      .first<{ state: string }>();
    expect(written?.state).toBe("written");

    // And once more: the record was noted, so nothing is sent at all.
    await importLeads(await context(), input);
    const after = await tenant.stats();
    expect(posts(mid, after, "POST /api/actions")).toBe(0);
    expect(await notesOn(first.body.halopsa.ticket_id)).toHaveLength(1);
  });

  it("says nothing, and calls HaloPSA for nothing, on an identical re-import", async () => {
    const first = await sync(person(50));
    expect(first.body.action).toBe("created");
    const before = await tenant.stats();
    const again = await sync(person(50));
    const after = await tenant.stats();
    expect(again.body.action).toBe("preserved");
    expect(again.body.fields_updated).toEqual([]);
    // The ticket's details are LeadBridge's own dated creation note, not a manual edit.
    expect(again.body.fields_preserved).toEqual([]);
    expect(after.requests_total - before.requests_total).toBe(0);
    expect(await notesOn(first.body.halopsa.ticket_id)).toHaveLength(0);
  });

  it("notes an update, not a merge that only kept HaloPSA's values", async () => {
    const first = await sync(person(51));
    await halo.post("Users", [{ id: first.body.halopsa.user_id, title: "Head of Notes" }]);
    const before = await tenant.stats();
    const kept = await sync({ ...person(51), title: "Senior Analyst" });
    const after = await tenant.stats();
    expect(kept.body.action).toBe("preserved");
    expect(kept.body.fields_preserved).toContain("user.title");
    expect(posts(before, after, "POST /api/actions")).toBe(0);
    expect(await notesOn(first.body.halopsa.ticket_id)).toHaveLength(0);
  });

  it("never fails the import when the note cannot be written", async () => {
    const first = await sync(person(30));
    const { config } = await loadConfig(database(env.DB));
    const failing: HaloPort = {
      ...haloPort(env, config, { maxWaitMs: 5_000 }),
      addActions: async () => {
        throw new Error("HaloPSA is down");
      },
    };
    const out = await importLeads(await context(failing), [
      { index: 0, source: "generic", data: { ...person(30), phone: "+1 212 555 0130" } },
    ]);
    expect(out[0]?.action).toBe("updated");
    const user = await halo.get(`Users/${first.body.halopsa.user_id}`);
    expect(user.phonenumber).toBe("+12125550130");
    const logged = await env.DB.prepare("SELECT count(*) AS n FROM error_log WHERE code = ?")
      .bind("MERGE_NOTE_FAILED")
      .first<{ n: number }>();
    expect(logged?.n).toBeGreaterThan(0);
  });

  it("writes no note when halopsa.merge_notes is off", async () => {
    const off = await api("/config", {
      method: "PUT",
      headers: auth,
      json: { halopsa: { merge_notes: false } },
    });
    expect(off.status).toBe(200);
    const first = await sync(person(40));
    const before = await tenant.stats();
    const again = await sync({ ...person(40), phone: "+44 20 7946 0140" });
    expect(again.body.action).toBe("updated");
    const after = await tenant.stats();
    expect(posts(before, after, "POST /api/actions")).toBe(0);
    expect(await notesOn(first.body.halopsa.ticket_id)).toHaveLength(0);
    await api("/config", {
      method: "PUT",
      headers: auth,
      json: { halopsa: { merge_notes: true } },
    });
  });
});
