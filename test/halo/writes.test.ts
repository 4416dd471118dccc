import { describe, expect, it } from "vitest";
import { HALO_FIELDS } from "../../sandbox/src/halo/schema-fields";
import { AppError } from "../../src/errors";
import { HaloThrottledError } from "../../src/halo/errors";
import { addActions } from "../../src/halo/resources/actions";
import { listClients, upsertClients } from "../../src/halo/resources/clients";
import { getSite, upsertSites } from "../../src/halo/resources/sites";
import { upsertTickets } from "../../src/halo/resources/tickets";
import { findUsersByEmail, listUsers, upsertUsers } from "../../src/halo/resources/users";
import type { Halo } from "../../src/halo/transport";
import type { HaloRequest } from "../../src/halo/types";
import type { UserWrite } from "../../src/halo/writes";
import { SandboxTenant } from "../helpers/sandbox";

const ENTITY_BY_PATH: Record<string, keyof typeof HALO_FIELDS> = {
  "/api/Client": "clients",
  "/api/Site": "sites",
  "/api/Users": "users",
  "/api/Tickets": "tickets",
  "/api/Actions": "actions",
};

/** Wraps the gate to record every request the client sends. */
function recording(halo: Halo): { halo: Halo; sent: HaloRequest[] } {
  const sent: HaloRequest[] = [];
  return {
    sent,
    halo: {
      ...halo,
      transport: {
        send: (settings, request) => {
          sent.push(request);
          return halo.transport.send(settings, request);
        },
      },
    },
  };
}

describe("HaloPSA writes", () => {
  it("sends only fields HaloPSA's schema defines, and reads decimal ids back", async () => {
    const t = new SandboxTenant("fields");
    const { halo, sent } = recording(t.client());
    const [client] = await upsertClients(halo, [
      { name: "Acme Ltd", website: "https://acme.example", ref: "lb:c1", notes: "from Apollo" },
    ]);
    expect(client?.id).toBeGreaterThan(0);
    const clientId = client?.id ?? 0;
    const [site] = await upsertSites(halo, [
      { name: "Acme HQ", client_id: clientId, phonenumber: "+44 20 7946 0000", ref: "lb:s1" },
    ]);
    const siteId = site?.id ?? 0;
    const [user] = await upsertUsers(halo, [
      {
        name: "Ada Lovelace",
        firstname: "Ada",
        surname: "Lovelace",
        emailaddress: "ada@acme.example",
        title: "CTO",
        site_id: siteId,
        client_id: null,
        third_party_id: "lb:u1",
      },
    ]);
    const [ticket] = await upsertTickets(halo, [
      {
        summary: "Lead: Acme Ltd",
        details: "Imported",
        tickettype_id: 1,
        status_id: 1,
        client_id: clientId,
        site_id: siteId,
        user_id: user?.id ?? null,
        third_party_id_string: "lb:t1",
        tags: [{ text: "hot_leads" }],
        customfields: [{ id: 101, value: "Apollo.io" }],
      },
    ]);
    await addActions(halo, [{ ticket_id: ticket?.id ?? 0, note: "Imported by LeadBridge" }]);

    const posts = sent.filter((r) => r.method === "POST");
    expect(posts.map((r) => r.path)).toEqual([
      "/api/Client",
      "/api/Site",
      "/api/Users",
      "/api/Tickets",
      "/api/Actions",
    ]);
    for (const post of posts) {
      const entity = ENTITY_BY_PATH[post.path];
      expect(entity).toBeDefined();
      const allowed = new Set(Object.keys(entity ? HALO_FIELDS[entity] : {}));
      expect(Array.isArray(post.body)).toBe(true);
      for (const item of post.body as Record<string, unknown>[]) {
        const invented = Object.keys(item).filter((k) => !allowed.has(k));
        expect(invented, `${post.path} sent ${invented.join(", ")}`).toEqual([]);
        // Nulls are never sent over stored values.
        expect(Object.values(item)).not.toContain(null);
      }
    }
    // Site.client_id comes back as 21.0 from HaloPSA and is read as an integer.
    expect((await getSite(halo, siteId)).client_id).toBe(clientId);
    expect((await findUsersByEmail(halo, "ADA@acme.example")).map((u) => u.id)).toEqual([user?.id]);
  });

  it("refuses fields HaloPSA does not have before sending anything", async () => {
    const t = new SandboxTenant("invented");
    const { halo, sent } = recording(t.client());
    const bad = { name: "Ada", third_party_id: "lb:u2", jobtitle: "CTO", linkedin_url: "x" };
    // The seed's field names are not HaloPSA's; only a cast gets them past the types.
    await expect(upsertUsers(halo, [bad as unknown as UserWrite])).rejects.toMatchObject({
      code: "INTERNAL_ERROR",
    });
    expect(sent).toEqual([]);
  });

  it("maps a HaloPSA 400 to EXTERNAL_API_ERROR with HaloPSA's message", async () => {
    const t = new SandboxTenant("bad400");
    const err = await upsertTickets(t.client(), [
      { summary: "x", tickettype_id: 999, third_party_id_string: "lb:t-bad" },
    ]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: "EXTERNAL_API_ERROR", status: 502 });
    expect((err as AppError).message).toContain("Ticket Type 999 does not exist");
  });

  it("lists every page, however the server caps page sizes", async () => {
    const t = new SandboxTenant("paging");
    const halo = t.client();
    const items = Array.from({ length: 230 }, (_, i) => ({ name: `Client ${i}`, ref: `lb:p${i}` }));
    await upsertClients(halo, items, { chunkSize: 100 });
    const listed = await listClients(halo);
    expect(listed).toHaveLength(230);
    expect(new Set(listed.map((c) => c.ref)).size).toBe(230);
    expect((await t.stats()).requests_by_route["GET /api/client"]).toBe(3);
    expect(await listUsers(halo)).toEqual([]);
  });

  it("says whether a throttled upsert had already written part of its records", async () => {
    const t = new SandboxTenant("partial");
    // Room for the token and two POSTs in the window, then the gate refuses.
    const halo = t.client({ rateLimit: { requests: 3, windowSeconds: 60 } });
    const items = ["a", "b", "c"].map((k) => ({ name: `Client ${k}`, ref: `lb:${k}` }));
    const err = await upsertClients(halo, items, { chunkSize: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HaloThrottledError);
    expect((err as HaloThrottledError).maybeWritten).toBe(true);
    expect(await t.listAll("Client", "clients")).toHaveLength(2);

    const again = await upsertClients(halo, items).catch((e: unknown) => e);
    expect((again as HaloThrottledError).maybeWritten).toBe(false);
  });
});
