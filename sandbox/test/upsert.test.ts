import { describe, expect, it } from "vitest";
import { type Envelope, Halo, type Rec } from "./helpers";

describe("array-upsert POSTs", () => {
  it("creates, then merges an update into the stored record", async () => {
    const halo = new Halo();
    const client = await halo.json<Rec>(halo.post("Client", [{ name: "Acme Ltd", ref: "lb-c-1" }]));
    const created = await halo.post("Tickets", [
      { summary: "Lead: Acme", details: "from Apollo", tickettype_id: 1, client_id: client.id },
    ]);
    expect(created.status).toBe(201);
    const ticket = (await created.json()) as Rec;
    expect(ticket).toMatchObject({
      summary: "Lead: Acme",
      tickettype_id: 1,
      status_id: 1,
      client_id: client.id,
      client_name: "Acme Ltd",
      hasbeenclosed: false,
    });
    expect(typeof ticket.dateoccurred).toBe("string");

    const updated = await halo.json<Rec>(halo.post("Tickets", [{ id: ticket.id, status_id: 2 }]));
    expect(updated).toMatchObject({
      id: ticket.id,
      status_id: 2,
      summary: "Lead: Acme",
      details: "from Apollo",
    });
    const fetched = await halo.json<Rec>(halo.get(`Tickets/${ticket.id}`));
    expect(fetched).toMatchObject({ id: ticket.id, status_id: 2, summary: "Lead: Acme" });
    const list = await halo.json<Envelope<"tickets">>(halo.get("Tickets"));
    expect(list.record_count).toBe(1);
  });

  it("stores only properties HaloPSA's schema defines (jobtitle, clientname are dropped)", async () => {
    const halo = new Halo();
    const client = await halo.json<Rec>(
      halo.post("Client", [
        {
          name: "Globex",
          clientname: "Globex Corp",
          phonenumber: "+1 555",
          website: "globex.test",
        },
      ]),
    );
    expect(client.name).toBe("Globex");
    expect(client.website).toBe("globex.test");
    expect(client).not.toHaveProperty("clientname");
    expect(client).not.toHaveProperty("phonenumber");

    const site = await halo.json<Rec>(
      halo.post("Site", [{ name: "Globex HQ", client_id: client.id, phonenumber: "+1 555" }]),
    );
    expect(site.phonenumber).toBe("+1 555");

    const user = await halo.json<Rec>(
      halo.post("Users", [
        {
          firstname: "Ada",
          surname: "Lovelace",
          emailaddress: "ada@globex.test",
          jobtitle: "CTO",
          title: "CTO",
          linkedin_url: "https://linkedin.com/in/ada",
          site_id: site.id,
          third_party_id: "lb-u-1",
        },
      ]),
    );
    expect(user).toMatchObject({
      name: "Ada Lovelace",
      title: "CTO",
      third_party_id: "lb-u-1",
      client_id: client.id,
    });
    const stored = await halo.json<Rec>(halo.get(`Users/${user.id}`));
    expect(stored).not.toHaveProperty("jobtitle");
    expect(stored).not.toHaveProperty("linkedin_url");
    expect(stored.site_name).toBe("Globex HQ");
  });

  it("answers 400 keyed by field path for missing fields and wrong types, writing nothing", async () => {
    const halo = new Halo();
    const res = await halo.post("Tickets", [
      { summary: "ok" },
      { details: "no summary" },
      { summary: "x", client_id: "abc" },
    ]);
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(["[1].summary", "[2].client_id"]);
    expect(body["[2].client_id"]).toContain("not a valid integer");
    const list = await halo.json<Envelope<"tickets">>(halo.get("Tickets"));
    expect(list.record_count).toBe(0);
  });

  it("rejects 95.0 for int properties, accepts it where the schema says double", async () => {
    const halo = new Halo();
    const client = await halo.json<Rec>(halo.post("Client", [{ name: "Initech" }]));
    // Faults.client_id is int32: Halo's deserializer refuses a decimal literal.
    const bad = await halo.post("Tickets", `[{"summary":"x","client_id":${client.id}.0}]`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      "[0].client_id": `Input string '${client.id}.0' is not a valid integer.`,
    });
    // Integer strings convert, as .NET does.
    const good = await halo.post("Tickets", [{ summary: "x", client_id: String(client.id) }]);
    expect(good.status).toBe(201);
    expect(((await good.json()) as Rec).client_id).toBe(client.id);
    // Site.client_id is number/double in the schema, so 10.0 is fine there.
    const site = await halo.post("Site", `[{"name":"Main","client_id":${client.id}.0}]`);
    expect(site.status).toBe(201);
  });

  it("rejects a bare object by default and accepts it with accept_bare_object", async () => {
    const halo = new Halo();
    const rejected = await halo.post("Client", { name: "Bare" });
    expect(rejected.status).toBe(400);
    expect(Object.keys((await rejected.json()) as object)).toEqual([""]);
    await halo.knobs({ accept_bare_object: true });
    const accepted = await halo.post("Client", { name: "Bare" });
    expect(accepted.status).toBe(201);
    expect(((await accepted.json()) as Rec).name).toBe("Bare");
  });

  it("answers a multi-item POST per post_response_mode, or with all items for returnall=true", async () => {
    const halo = new Halo();
    const first = await halo.json<Rec>(halo.post("Client", [{ name: "A" }, { name: "B" }]));
    expect(first.name).toBe("A");
    const all = await halo.json<Rec[]>(
      halo.post("Client?returnall=true", [{ name: "C" }, { name: "D" }]),
    );
    expect(all.map((c) => c.name)).toEqual(["C", "D"]);
    await halo.knobs({ post_response_mode: "last" });
    const last = await halo.json<Rec>(halo.post("Client", [{ name: "E" }, { name: "F" }]));
    expect(last.name).toBe("F");
    const list = await halo.json<Envelope<"clients">>(halo.get("Client"));
    expect(list.record_count).toBe(6);
  });

  it("answers 400 for an update to an id that does not exist", async () => {
    const halo = new Halo();
    const res = await halo.post("Tickets", [{ id: 999999, summary: "ghost" }]);
    expect(res.status).toBe(400);
    expect(Object.keys((await res.json()) as object)).toEqual(["[0].id"]);
  });

  it("treats opportunities as tickets with envelope `tickets`", async () => {
    const halo = new Halo();
    const lead = await halo.json<Rec>(
      halo.post("Tickets", [{ summary: "lead", tickettype_id: 1 }]),
    );
    const opp = await halo.json<Rec>(
      halo.post("Opportunities", [
        { summary: "deal", oppvalue: 12000.5, oppconversionprobability: 40 },
      ]),
    );
    expect(opp).toMatchObject({ tickettype_id: 3, status_id: 20, oppvalue: 12000.5 });
    const opps = await halo.json<Envelope<"tickets">>(halo.get("Opportunities"));
    expect(opps.record_count).toBe(1);
    expect(opps.tickets.map((t) => t.id)).toEqual([opp.id]);
    const tickets = await halo.json<Envelope<"tickets">>(halo.get("Tickets"));
    expect(tickets.tickets.map((t) => t.id).sort()).toEqual([lead.id, opp.id].sort());
    expect((await halo.json<Rec>(halo.get(`Tickets/${opp.id}`))).summary).toBe("deal");
  });

  it("adds actions to existing tickets; new_status moves the ticket", async () => {
    const halo = new Halo();
    const ticket = await halo.json<Rec>(
      halo.post("Tickets", [{ summary: "lead", tickettype_id: 1 }]),
    );
    const missing = await halo.post("Actions", [{ ticket_id: 424242, note: "x" }]);
    expect(missing.status).toBe(400);
    const action = await halo.json<Rec>(
      halo.post("Actions", [
        {
          ticket_id: ticket.id,
          outcome_id: 7,
          hiddenfromuser: true,
          note_html: "<p>hi</p>",
          new_status: 6,
        },
      ]),
    );
    expect(action).toMatchObject({ ticket_id: ticket.id, hiddenfromuser: true });
    const actions = await halo.json<Envelope<"actions">>(
      halo.get(`Actions?ticket_id=${ticket.id}`),
    );
    expect(actions.record_count).toBe(1);
    const moved = await halo.json<Rec>(halo.get(`Tickets/${ticket.id}`));
    expect(moved).toMatchObject({ status_id: 6, hasbeenclosed: true });
  });

  it("logs IntegrationError and IntegrationRequest records", async () => {
    const halo = new Halo();
    const err = await halo.json<Rec>(
      halo.post("IntegrationError", [
        { module_id: 5, entity_type: "lead", entity_name: "Acme", error: "boom" },
      ]),
    );
    expect(err).toMatchObject({ module_id: 5, error: "boom" });
    expect(typeof err.date).toBe("string");
    await halo.post("IntegrationRequest", [
      { isoutgoing: true, url: "https://x.test", resultcode: 200 },
    ]);
    const errors = await halo.json<Envelope<"errors">>(halo.get("IntegrationError?module_id=5"));
    expect(errors.errors.map((e) => e.id)).toEqual([err.id]);
    const requests = await halo.json<Envelope<"requests">>(
      halo.get("IntegrationRequest?outbound_only=true"),
    );
    expect(requests.record_count).toBe(1);
  });

  it("matches entity names case-insensitively and 404s unknown ids", async () => {
    const halo = new Halo();
    const c = await halo.json<Rec>(halo.post("client", [{ name: "lower" }]));
    expect((await halo.get(`CLIENT/${c.id}`)).status).toBe(200);
    const missing = await halo.get("Tickets/123456");
    expect(missing.status).toBe(404);
  });

  it("wraps single GETs as {tickets:[obj]} when single_get_mode is wrapped", async () => {
    const halo = new Halo();
    const t = await halo.json<Rec>(halo.post("Tickets", [{ summary: "w" }]));
    await halo.knobs({ single_get_mode: "wrapped" });
    const body = await halo.json<{ tickets: Rec[] }>(halo.get(`Tickets/${t.id}`));
    expect(body.tickets[0]?.id).toBe(t.id);
  });
});
