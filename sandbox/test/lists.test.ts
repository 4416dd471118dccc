import { describe, expect, it } from "vitest";
import { type Envelope, Halo, type Rec } from "./helpers";

async function seedTickets(halo: Halo, n: number) {
  const items = Array.from({ length: n }, (_, i) => ({
    summary: `Lead ${i + 1}`,
    tickettype_id: 1,
  }));
  const res = await halo.post("Tickets", items);
  expect(res.status).toBe(201);
}

describe("list envelopes and lookups", () => {
  it("wraps entity lists as {record_count, <key>}", async () => {
    const halo = new Halo();
    const client = await halo.json<Rec>(halo.post("Client", [{ name: "Acme" }]));
    const site = await halo.json<Rec>(halo.post("Site", [{ name: "HQ", client_id: client.id }]));
    const user = await halo.json<Rec>(halo.post("Users", [{ name: "Bo", site_id: site.id }]));
    const ticket = await halo.json<Rec>(halo.post("Tickets", [{ summary: "t", user_id: user.id }]));
    await halo.post("Actions", [{ ticket_id: ticket.id, note: "n" }]);
    for (const [path, key] of [
      ["Tickets", "tickets"],
      ["Users", "users"],
      ["Client", "clients"],
      ["Site", "sites"],
      ["Actions", "actions"],
    ] as const) {
      const body = await halo.json<Record<string, unknown>>(halo.get(path));
      expect(Object.keys(body).sort()).toEqual([key, "record_count"].sort());
      expect(body.record_count).toBe(1);
    }
  });

  it("returns lookups as bare arrays with the seeded values", async () => {
    const halo = new Halo();
    const types = await halo.json<Rec[]>(halo.get("TicketType"));
    expect(types.map((t) => t.name)).toEqual(
      expect.arrayContaining(["Lead", "Prospect", "Opportunity"]),
    );
    const statuses = await halo.json<Rec[]>(halo.get("Status"));
    expect(statuses.find((s) => s.id === 6)?.name).toBe("Do Not Contact");
    expect(statuses.find((s) => s.id === 10)?.name).toBe("New Prospect");
    const priorities = await halo.json<Rec[]>(halo.get("Priority"));
    expect(priorities.length).toBeGreaterThan(0);
    for (const p of priorities) expect(typeof p.id).toBe("string");
    const fields = await halo.json<Rec[]>(halo.get("FieldInfo"));
    const ids = fields.map((f) => f.id);
    const expected = [
      ...Array.from({ length: 13 }, (_, i) => 101 + i),
      ...Array.from({ length: 6 }, (_, i) => 201 + i),
      ...Array.from({ length: 4 }, (_, i) => 301 + i),
    ];
    expect(ids).toEqual(expected);
    expect(fields.find((f) => f.id === 105)?.label).toBe("Do Not Contact");
  });
});

describe("paging", () => {
  it("caps pages at 100 whatever page_size asks, with record_count the full total", async () => {
    const halo = new Halo();
    await seedTickets(halo, 150);
    const page1 = await halo.json<Envelope<"tickets">>(
      halo.get("Tickets?pageinate=true&page_size=1000&page_no=1"),
    );
    expect(page1.record_count).toBe(150);
    expect(page1.tickets).toHaveLength(100);
    const page2 = await halo.json<Envelope<"tickets">>(
      halo.get("Tickets?pageinate=true&page_size=1000&page_no=2"),
    );
    expect(page2.tickets).toHaveLength(50);
    expect(page2.tickets[0]?.summary).toBe("Lead 101");
    const small = await halo.json<Envelope<"tickets">>(
      halo.get("Tickets?pageinate=true&page_size=20&page_no=3"),
    );
    expect(small.tickets.map((t) => t.summary)).toEqual(
      Array.from({ length: 20 }, (_, i) => `Lead ${41 + i}`),
    );
  });

  it("ignores page_size/page_no without pageinate=true; count limits instead", async () => {
    const halo = new Halo();
    await seedTickets(halo, 120);
    const unpaged = await halo.json<Envelope<"tickets">>(
      halo.get("Tickets?page_size=10&page_no=2"),
    );
    expect(unpaged.tickets).toHaveLength(120);
    const counted = await halo.json<Envelope<"tickets">>(halo.get("Tickets?count=7"));
    expect(counted.tickets).toHaveLength(7);
    expect(counted.record_count).toBe(120);
    await halo.knobs({ unpaged_max: 25 });
    const capped = await halo.json<Envelope<"tickets">>(halo.get("Tickets"));
    expect(capped.tickets).toHaveLength(25);
  });
});

describe("search and filters", () => {
  it("search= is a case-insensitive substring match; advanced_search is exact", async () => {
    const halo = new Halo();
    await halo.post("Users", [
      { name: "Ada Lovelace", emailaddress: "ada@acme.test" },
      { name: "Adam Smith", emailaddress: "adam@acme.test" },
      { name: "Bob", emailaddress: "bob@other.test" },
    ]);
    const fuzzy = await halo.json<Envelope<"users">>(halo.get("Users?search=ADA"));
    expect(fuzzy.users.map((u) => u.name).sort()).toEqual(["Ada Lovelace", "Adam Smith"]);
    const byEmail = await halo.json<Envelope<"users">>(halo.get("Users?search=acme.test"));
    expect(byEmail.record_count).toBe(2);

    const adv = encodeURIComponent(
      JSON.stringify([
        { filter_name: "emailaddress", filter_type: 2, filter_value: "ADA@acme.test" },
      ]),
    );
    const exact = await halo.json<Envelope<"users">>(halo.get(`Users?advanced_search=${adv}`));
    expect(exact.users.map((u) => u.name)).toEqual(["Ada Lovelace"]);

    const badField = encodeURIComponent(
      JSON.stringify([{ filter_name: "jobtitle", filter_type: 2, filter_value: "x" }]),
    );
    const bad = await halo.get(`Users?advanced_search=${badField}`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ advanced_search: "Invalid advanced search parameter" });
  });

  it("filters tickets by requesttype_id and external key; ignores the non-existent tickettype_id", async () => {
    const halo = new Halo();
    await halo.post("Tickets", [
      { summary: "lead", tickettype_id: 1, third_party_id_string: "lb-1" },
      { summary: "prospect", tickettype_id: 2, third_party_id_string: "lb-2" },
    ]);
    const leads = await halo.json<Envelope<"tickets">>(halo.get("Tickets?requesttype_id=1"));
    expect(leads.tickets.map((t) => t.summary)).toEqual(["lead"]);
    const ignored = await halo.json<Envelope<"tickets">>(halo.get("Tickets?tickettype_id=1"));
    expect(ignored.record_count).toBe(2);
    const byKey = await halo.json<Envelope<"tickets">>(
      halo.get("Tickets?third_party_id_string=lb-2"),
    );
    expect(byKey.tickets.map((t) => t.summary)).toEqual(["prospect"]);
  });

  it("returns only the tickets named by ticketids", async () => {
    const halo = new Halo();
    const saved = await halo.json<Rec[]>(
      halo.post("Tickets?returnall=true", [
        { summary: "one", tickettype_id: 1 },
        { summary: "two", tickettype_id: 1 },
        { summary: "three", tickettype_id: 1 },
      ]),
    );
    const ids = saved.map((t) => t.id);
    const picked = await halo.json<Envelope<"tickets">>(
      halo.get(`Tickets?ticketids=${ids[0]},${ids[2]}`),
    );
    expect(picked.tickets.map((t) => t.summary).sort()).toEqual(["one", "three"]);
  });

  it("finds clients and sites by ref through advanced_search, sites by client_id", async () => {
    const halo = new Halo();
    const [a, b] = [
      await halo.json<Rec>(halo.post("Client", [{ name: "A", ref: "lb-c-a" }])),
      await halo.json<Rec>(halo.post("Client", [{ name: "B", ref: "lb-c-b" }])),
    ];
    await halo.post("Site", [
      { name: "A1", client_id: a?.id, ref: "lb-s-a1" },
      { name: "B1", client_id: b?.id },
    ]);
    const adv = encodeURIComponent(
      JSON.stringify([{ filter_name: "ref", filter_type: 2, filter_value: "lb-c-b" }]),
    );
    const clients = await halo.json<Envelope<"clients">>(halo.get(`Client?advanced_search=${adv}`));
    expect(clients.clients.map((c) => c.name)).toEqual(["B"]);
    const sites = await halo.json<Envelope<"sites">>(halo.get(`Site?client_id=${a?.id}`));
    expect(sites.sites.map((s) => s.ref)).toEqual(["lb-s-a1"]);
  });

  it("hides inactive users unless includeinactive=true", async () => {
    const halo = new Halo();
    await halo.post("Users", [{ name: "Active" }, { name: "Gone", inactive: true }]);
    const def = await halo.json<Envelope<"users">>(halo.get("Users"));
    expect(def.users.map((u) => u.name)).toEqual(["Active"]);
    const all = await halo.json<Envelope<"users">>(halo.get("Users?includeinactive=true"));
    expect(all.record_count).toBe(2);
  });
});

describe("numeric quirks", () => {
  it("serialises Site.client_id and Users.site_id as decimals, other ids as integers", async () => {
    const halo = new Halo();
    const client = await halo.json<Rec>(halo.post("Client", [{ name: "Acme" }]));
    const siteRes = await halo.post("Site", [{ name: "HQ", client_id: client.id }]);
    const siteText = await siteRes.text();
    expect(siteText).toContain(`"client_id":${client.id}.0`);
    const site = JSON.parse(siteText) as Rec;
    const listText = await (await halo.get("Site")).text();
    expect(listText).toContain(`"client_id":${client.id}.0`);
    expect(listText).toContain(`"id":${site.id},`);
    const user = await halo.json<Rec>(halo.post("Users", [{ name: "U", site_id: site.id }]));
    const userText = await (await halo.get(`Users/${user.id}`)).text();
    expect(userText).toContain(`"site_id":${site.id}.0`);
    expect(userText).toContain(`"client_id":${client.id},`);
    const ticketText = await (
      await halo.post("Tickets", [{ summary: "t", client_id: client.id }])
    ).text();
    expect(ticketText).toContain(`"client_id":${client.id},`);
  });
});

describe("custom fields and tags", () => {
  it("writes by id, reads back with names from FieldInfo, merges partial arrays by default", async () => {
    const halo = new Halo();
    const t = await halo.json<Rec>(
      halo.post("Tickets", [
        {
          summary: "cf",
          customfields: [
            { id: 101, value: "Apollo.io" },
            { id: 105, value: false },
            { id: 999, value: "unknown field" },
          ],
        },
      ]),
    );
    expect(t.customfields).toEqual([
      {
        id: 101,
        name: "CF_101_lead_source",
        label: "Lead Source",
        type: 2,
        value: "Apollo.io",
        display: "Apollo.io",
      },
      {
        id: 105,
        name: "CF_105_do_not_contact",
        label: "Do Not Contact",
        type: 6,
        value: false,
        display: "false",
      },
    ]);
    await halo.post("Tickets", [{ id: t.id, customfields: [{ id: 105, value: true }] }]);
    const merged = await halo.json<{ customfields: Rec[] }>(halo.get(`Tickets/${t.id}`));
    expect(merged.customfields.map((c) => [c.id, c.value])).toEqual([
      [101, "Apollo.io"],
      [105, true],
    ]);

    await halo.knobs({ customfields_replace: true });
    await halo.post("Tickets", [{ id: t.id, customfields: [{ id: 206, value: 75 }] }]);
    const replaced = await halo.json<{ customfields: Rec[] }>(halo.get(`Tickets/${t.id}`));
    expect(replaced.customfields.map((c) => [c.name, c.value])).toEqual([["CF_206_fit_score", 75]]);
  });

  it("leaves custom fields out of lists unless include_custom_fields names them", async () => {
    const halo = new Halo();
    await halo.post("Tickets", [
      {
        summary: "cf",
        customfields: [
          { id: 101, value: "ZoomInfo" },
          { id: 102, value: "MSP" },
        ],
      },
    ]);
    const plain = await halo.json<Envelope<"tickets">>(halo.get("Tickets"));
    expect(plain.tickets[0]).not.toHaveProperty("customfields");
    const some = await halo.json<Envelope<"tickets">>(
      halo.get("Tickets?include_custom_fields=102"),
    );
    expect(some.tickets[0]?.customfields).toEqual([
      expect.objectContaining({ id: 102, value: "MSP" }),
    ]);
  });

  it("stores ticket tags as Tag objects with stable ids", async () => {
    const halo = new Halo();
    const a = await halo.json<Rec>(
      halo.post("Tickets", [{ summary: "a", tags: [{ text: "apollo" }, { text: "hot" }] }]),
    );
    const b = await halo.json<Rec>(
      halo.post("Tickets", [{ summary: "b", tags: [{ text: "Apollo" }] }]),
    );
    expect(a.tags).toEqual([
      { id: 1, text: "apollo" },
      { id: 2, text: "hot" },
    ]);
    expect(b.tags).toEqual([{ id: 1, text: "apollo" }]);
    const bad = await halo.post("Tickets", [{ summary: "c", tags: ["plain-string"] }]);
    expect(bad.status).toBe(400);
    expect(Object.keys((await bad.json()) as object)).toEqual(["[0].tags[0]"]);
  });
});
