import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { HaloDirect } from "../helpers/halo-direct";
import type { SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";
import { captureQueue, drain, requestsBetween, type Sent } from "./drive";

interface RunView {
  run_id: string;
  status: string;
  current: { entity: string; stage: string | null; page: number } | null;
  progress: Record<string, number>;
}
interface SyncResult {
  action: string;
  lead_id: string;
  halopsa: { client_id: number; site_id: number; user_id: number; ticket_id: number };
  fields_preserved: string[];
}
type Rec = Record<string, unknown> & { id: number };

const CLIENTS = 40;
const USERS = 230;
const LEAD_TICKETS = 120;

let tenant: SandboxTenant;
let auth: Record<string, string>;
let halo: HaloDirect;
let queue: ReturnType<typeof captureQueue>;
const clients: Rec[] = [];
const sites: Rec[] = [];
const users: Rec[] = [];
let ada: SyncResult;
let adaTwin: Rec;

const post = async (path: string, records: Record<string, unknown>[]): Promise<Rec[]> => {
  const out: Rec[] = [];
  for (let i = 0; i < records.length; i += 100) {
    const saved = await halo.post(`${path}?returnall=true`, records.slice(i, i + 100));
    // One record comes back bare, several as an array (returnall).
    out.push(...((Array.isArray(saved) ? saved : [saved]) as Rec[]));
  }
  return out;
};
const person = (i: number) => ({
  firstname: `Hist${i}`,
  surname: `Orian${i}`,
  emailaddress: `hist${i}@histo-${i % CLIENTS}.example`,
  title: "Head of History",
});
const count = async (path: string, key: string) => (await tenant.listAll(path, key)).length;

beforeAll(async () => {
  ({ tenant, auth } = await tenantApp("index"));
  halo = new HaloDirect(tenant);
  queue = captureQueue();

  // A lead LeadBridge itself created before the index existed: the index must link it, not
  // add a second row. The import's own messages are not part of the index run.
  const created = await api<SyncResult>("/sync/leads", {
    method: "POST",
    headers: auth,
    json: {
      source: "generic",
      data: {
        first_name: "Ada",
        last_name: "Lovelace",
        email: "ada@engines.example",
        company: "Engines Ltd",
        website: "engines.example",
      },
    },
  });
  expect(created.status).toBe(201);
  ada = created.body;

  // The tenant's history, entered by hand: 40 clients with a site each, 230 users, lead
  // tickets for the first 120, a few advanced ones, and service tickets the index must skip.
  clients.push(
    ...(await post(
      "Client",
      Array.from({ length: CLIENTS }, (_, i) => ({
        name: `Histo ${i} Ltd`,
        website: `https://www.histo-${i}.example/`,
      })),
    )),
  );
  sites.push(
    ...(await post(
      "Site",
      clients.map((c) => ({ name: `${String(c.name)} - HQ`, client_id: c.id })),
    )),
  );
  users.push(
    ...(await post(
      "Users",
      Array.from({ length: USERS }, (_, i) => ({
        ...person(i),
        site_id: sites[i % CLIENTS]?.id,
      })),
    )),
  );
  // Someone typed Ada in again by hand at another client: the index must not take her row.
  [adaTwin] = (await post("Users", [
    { firstname: "Ada", surname: "L", emailaddress: "ada@engines.example", site_id: sites[0]?.id },
  ])) as [Rec];
  const ticket = (u: Rec | undefined, tickettype_id: number, status_id?: number) => ({
    summary: `History of ${String(u?.name)}`,
    tickettype_id,
    ...(status_id ? { status_id } : {}),
    user_id: u?.id,
    client_id: u?.client_id,
    site_id: u?.site_id,
  });
  await post(
    "Tickets",
    [
      ...users.slice(0, LEAD_TICKETS).map((u) => ticket(u, 1)),
      ticket(users[200], 2, 10),
      ticket(users[201], 2, 10),
      ticket(users[202], 3, 20),
      ticket(users[203], 21),
      ticket(users[204], 22),
    ].filter((t) => t.user_id !== undefined),
  );
  expect(users).toHaveLength(USERS);
});

afterAll(() => queue.restore());

async function runIndex(): Promise<{
  run: RunView;
  delivered: Sent[];
  calls: Map<string, number>;
}> {
  queue.sent.length = 0;
  const before = await tenant.stats();
  const started = await api<{ run_id: string; status_url: string }>("/halo/index", {
    method: "POST",
    headers: auth,
  });
  expect(started.status).toBe(202);
  expect(started.body.status_url).toBe(`/api/v1/halo/index/${started.body.run_id}`);
  expect(queue.sent[0]?.body).toEqual({
    type: "halo.index",
    run_id: started.body.run_id,
    entity: "clients",
    page: 1,
  });
  const delivered = await drain(queue.sent);
  const calls = requestsBetween(before, await tenant.stats());
  const status = await api<RunView>(`/halo/index/${started.body.run_id}`, { headers: auth });
  expect(status.status).toBe(200);
  return { run: status.body, delivered, calls };
}

const scalar = async <T>(sql: string, ...args: unknown[]) =>
  env.DB.prepare(sql)
    .bind(...args)
    .first<T>();

describe("POST /halo/index", () => {
  let first: Awaited<ReturnType<typeof runIndex>>;
  beforeAll(async () => {
    first = await runIndex();
  });

  it("reads the tenant in pages of 100, about one HaloPSA call per 100 records", () => {
    const { run, calls } = first;
    expect(run.status).toBe("completed");
    expect(run.current).toBeNull();
    // 41 clients, 41 sites: one page each; 232 users: three; tickets by type: 2 opportunity
    // and prospect pages (one each) and 121 lead tickets (two pages).
    expect(calls.get("get /api/client")).toBe(1);
    expect(calls.get("get /api/site")).toBe(1);
    expect(calls.get("get /api/users")).toBe(3);
    expect(calls.get("get /api/tickets")).toBe(4);
    const haloCalls = [...calls]
      .filter(([r]) => r.includes("/api/"))
      .reduce((s, [, n]) => s + n, 0);
    expect(haloCalls).toBe(9);
    expect(run.progress.pages_read).toBe(9);
    // Nothing was written to HaloPSA and nothing was searched per person.
    const writes = [...calls].filter(
      ([r, n]) => n > 0 && !r.startsWith("get ") && !r.startsWith("post /auth"),
    );
    expect(writes).toEqual([]);
  });

  it("indexes every client and user, linking what LeadBridge already had", async () => {
    const p = first.run.progress;
    expect(p).toMatchObject({
      clients_read: CLIENTS + 1,
      companies_created: CLIENTS,
      companies_linked: 1,
      sites_read: CLIENTS + 1,
      sites_linked: CLIENTS,
      users_read: USERS + 2,
      leads_created: USERS,
      leads_linked: 1,
      users_skipped: 0,
      tickets_read: LEAD_TICKETS + 4,
      tickets_linked: LEAD_TICKETS + 4,
      tickets_unmatched: 0,
      conflicts: 1,
    });
    for (const [i, u] of users.entries()) {
      const row = await scalar<{ dedup_key: string; halo_client_id: number; halo_site_id: number }>(
        "SELECT dedup_key, halo_client_id, halo_site_id FROM leads WHERE halo_user_id = ?",
        u.id,
      );
      expect(row?.dedup_key).toBe(`email:hist${i}@histo-${i % CLIENTS}.example`);
      expect(row?.halo_client_id).toBe(clients[i % CLIENTS]?.id);
      expect(row?.halo_site_id).toBe(sites[i % CLIENTS]?.id);
    }
    for (const [i, c] of clients.entries()) {
      const row = await scalar<{ company_key: string; halo_site_id: number }>(
        "SELECT company_key, halo_site_id FROM companies WHERE halo_client_id = ?",
        c.id,
      );
      expect(row).toEqual({ company_key: `domain:histo-${i}.example`, halo_site_id: sites[i]?.id });
    }
    const adaRows = await scalar<{ n: number; user: number }>(
      "SELECT count(*) AS n, max(halo_user_id) AS user FROM leads WHERE email = 'ada@engines.example'",
    );
    expect(adaRows).toEqual({ n: 1, user: ada.halopsa.user_id });
  });

  it("records ticket stages and leaves people without a lifecycle ticket ticketless", async () => {
    const stageOf = (u: Rec | undefined) =>
      scalar<{ stage: string; status: string; halo_ticket_id: number | null }>(
        "SELECT stage, status, halo_ticket_id FROM leads WHERE halo_user_id = ?",
        u?.id,
      );
    expect(await stageOf(users[0])).toMatchObject({ stage: "lead", status: "new_lead" });
    expect((await stageOf(users[0]))?.halo_ticket_id).toBeGreaterThan(0);
    expect(await stageOf(users[200])).toMatchObject({ stage: "prospect" });
    expect(await stageOf(users[202])).toMatchObject({ stage: "opportunity" });
    // Service tickets (types 21, 22) are not lifecycle tickets.
    expect((await stageOf(users[203]))?.halo_ticket_id).toBeNull();
    expect((await stageOf(users[204]))?.halo_ticket_id).toBeNull();
  });

  it("audits a HaloPSA user whose person LeadBridge holds with another user", async () => {
    const audit = await api<{ entries: { action: string; rule: string; detail: Rec }[] }>(
      `/audit?lead_id=${ada.lead_id}`,
      { headers: auth },
    );
    const conflict = audit.body.entries.find((e) => e.action === "index.conflict");
    expect(conflict?.rule).toBe("person_has_other_user");
    expect(conflict?.detail).toMatchObject({
      halo_user_id: adaTwin.id,
      known_halo_user_id: ada.halopsa.user_id,
    });
  });

  it("changes nothing when run again", async () => {
    const leads = await scalar<{ n: number }>("SELECT count(*) AS n FROM leads");
    const again = await runIndex();
    expect(again.run.status).toBe("completed");
    expect(again.run.progress).toMatchObject({
      companies_created: 0,
      companies_linked: CLIENTS + 1,
      leads_created: 0,
      leads_linked: USERS + 1,
      sites_linked: 0,
      conflicts: 1,
    });
    expect(await scalar<{ n: number }>("SELECT count(*) AS n FROM leads")).toEqual(leads);
  });
});

describe("importing into an indexed tenant", () => {
  const sync = (data: Record<string, unknown>) =>
    api<SyncResult>("/sync/leads", {
      method: "POST",
      headers: auth,
      json: { source: "generic", data },
    });

  it("merges a person who has a lead ticket: no new user, HaloPSA values kept", async () => {
    const userCount = await count("Users", "users");
    const res = await sync({
      first_name: "Hist5",
      last_name: "Orian5",
      email: "HIST5@histo-5.example",
      company: "Histo 5 Ltd",
      website: "histo-5.example",
      title: "Archivist",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(["updated", "preserved"]).toContain(res.body.action);
    expect(res.body.halopsa.user_id).toBe(users[5]?.id);
    expect(res.body.fields_preserved).toContain("user.title");
    expect(await count("Users", "users")).toBe(userCount);
    const user = await halo.get(`Users/${users[5]?.id}`);
    expect(user.title).toBe("Head of History");
  });

  it("gives a known person without a ticket only a ticket", async () => {
    const [userCount, clientCount] = [
      await count("Users", "users"),
      await count("Client", "clients"),
    ];
    const u = users[150];
    const res = await sync({
      first_name: "Hist150",
      last_name: "Orian150",
      email: "hist150@histo-30.example",
      company: "Histo 30 Ltd",
      website: "https://histo-30.example",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.action).toBe("created");
    expect(res.body.halopsa.user_id).toBe(u?.id);
    expect(res.body.halopsa.client_id).toBe(clients[30]?.id);
    expect(await count("Users", "users")).toBe(userCount);
    expect(await count("Client", "clients")).toBe(clientCount);
    const ticket = await halo.get(`Tickets/${res.body.halopsa.ticket_id}`);
    expect(ticket.user_id).toBe(u?.id);
    expect(ticket.client_id).toBe(clients[30]?.id);
  });

  it("puts a new person at a known client on that client and site", async () => {
    const [clientCount, siteCount, userCount] = [
      await count("Client", "clients"),
      await count("Site", "sites"),
      await count("Users", "users"),
    ];
    const res = await sync({
      first_name: "Newt",
      last_name: "Comer",
      email: "newt@histo-7.example",
      company: "Histo 7 Ltd",
      website: "histo-7.example",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.halopsa.client_id).toBe(clients[7]?.id);
    expect(res.body.halopsa.site_id).toBe(sites[7]?.id);
    expect(await count("Client", "clients")).toBe(clientCount);
    expect(await count("Site", "sites")).toBe(siteCount);
    expect(await count("Users", "users")).toBe(userCount + 1);
  });
});
