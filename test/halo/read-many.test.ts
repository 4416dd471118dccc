import { describe, expect, it } from "vitest";
import { readByIds } from "../../src/halo/read-many";
import { upsertClients } from "../../src/halo/resources/clients";
import { upsertSites } from "../../src/halo/resources/sites";
import { upsertUsers, users } from "../../src/halo/resources/users";
import { SandboxTenant } from "../helpers/sandbox";

describe("reading records by id without a multi-id filter", () => {
  it("takes the newest page, then a client's list, then a GET for each one left", async () => {
    const t = new SandboxTenant("read-many");
    const halo = t.client();
    const [client] = await upsertClients(halo, [{ name: "Old Co", ref: "lb:old-co" }]);
    const [site] = await upsertSites(halo, [
      { name: "Old Co - Main", client_id: client?.id ?? 0, ref: "lb:old-site" },
    ]);
    // Two old colleagues at Old Co, one old loner, 300 others, then three new people.
    const colleagues = await upsertUsers(
      halo,
      [0, 1].map((i) => ({
        name: `Colleague ${i}`,
        third_party_id: `lb:col${i}`,
        client_id: client?.id ?? 0,
        site_id: site?.id ?? 0,
      })),
    );
    const [loner] = await upsertUsers(halo, [{ name: "Loner", third_party_id: "lb:loner" }]);
    await upsertUsers(
      halo,
      Array.from({ length: 300 }, (_, i) => ({ name: `Other ${i}`, third_party_id: `lb:o${i}` })),
      { chunkSize: 100 },
    );
    const recent = await upsertUsers(
      halo,
      [0, 1, 2].map((i) => ({ name: `New ${i}`, third_party_id: `lb:new${i}` })),
    );

    const wanted = [
      ...colleagues.map((u) => ({ id: u.id, parent: client?.id ?? null })),
      { id: loner?.id ?? 0, parent: null },
      ...recent.map((u) => ({ id: u.id, parent: null })),
    ];
    const before = (await t.stats()).requests_by_route;
    const found = await readByIds(halo, users, wanted, {
      parentParam: "client_id",
      query: { includeinactive: true },
    });
    const after = (await t.stats()).requests_by_route;
    expect([...found.keys()].sort()).toEqual(wanted.map((w) => w.id).sort());
    expect(found.get(colleagues[0]?.id ?? 0)?.name).toBe("Colleague 0");
    // Newest page (the three new people), Old Co's users (both colleagues), a GET for the loner:
    // three calls where six GETs were paid before.
    expect((after["GET /api/users"] ?? 0) - (before["GET /api/users"] ?? 0)).toBe(2);
    expect((after["GET /api/users/{id}"] ?? 0) - (before["GET /api/users/{id}"] ?? 0)).toBe(1);
  });
});
