import { describe, expect, it } from "vitest";
import { upsertClients } from "../../src/halo/resources/clients";
import { upsertUsers } from "../../src/halo/resources/users";
import { SandboxTenant } from "../helpers/sandbox";

const N = 60;

describe("writes under faults", () => {
  it("creates each record once despite 500s and lost responses", async () => {
    const t = new SandboxTenant("faults");
    // 20% of calls answer 500 before doing anything; 5% of writes are stored but their reply is
    // lost (502). Seeded, so every run meets the same faults.
    await t.knobs({ error_rate: 0.2, drop_rate: 0.05, seed: 6 });
    const halo = t.client();

    const clients = await upsertClients(
      halo,
      Array.from({ length: N }, (_, i) => ({ name: `Company ${i}`, ref: `lb:c${i}` })),
      { chunkSize: 10 },
    );
    const users = await upsertUsers(
      halo,
      Array.from({ length: N }, (_, i) => ({ name: `Person ${i}`, third_party_id: `lb:u${i}` })),
      { chunkSize: 10 },
    );
    expect(clients.map((c) => c.key)).toEqual(Array.from({ length: N }, (_, i) => `lb:c${i}`));
    expect(users.every((u) => u.id > 0)).toBe(true);

    const faults = await t.stats();
    expect(faults.errors_injected).toBeGreaterThan(0);
    expect(faults.dropped_responses).toBeGreaterThan(0);

    await t.knobs({ error_rate: 0, drop_rate: 0 });
    const storedClients = await t.listAll("Client", "clients");
    const storedUsers = await t.listAll("Users", "users");
    expect(storedClients).toHaveLength(N);
    expect(new Set(storedClients.map((c) => c.ref)).size).toBe(N);
    expect(storedUsers).toHaveLength(N);
    expect(new Set(storedUsers.map((u) => u.third_party_id)).size).toBe(N);
    // The ids the client reported are the stored ones.
    expect(new Set(users.map((u) => u.id))).toEqual(new Set(storedUsers.map((u) => u.id)));
  }, 60_000);
});
