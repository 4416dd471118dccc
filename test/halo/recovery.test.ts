import { describe, expect, it } from "vitest";
import { upsertUsers } from "../../src/halo/resources/users";
import type { Halo } from "../../src/halo/transport";
import type { GateResult } from "../../src/halo/types";
import { SandboxTenant } from "../helpers/sandbox";

const people = (from: number, n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({
    name: `Person ${from + i}`,
    third_party_id: `lb:${tag}${from + i}`,
  }));

/** The tenant's client, with the first POST failing as `fail` says (after or before landing). */
function failingFirstPost(halo: Halo, fail: "lost" | "refused"): Halo {
  let failed = false;
  return {
    ...halo,
    transport: {
      send: async (settings, request): Promise<GateResult> => {
        if (request.method !== "POST" || failed) return halo.transport.send(settings, request);
        failed = true;
        if (fail === "refused")
          return { kind: "response", status: 500, body: null, text: "An error has occurred." };
        // The POST lands; only its answer is lost.
        await halo.transport.send(settings, request);
        return { kind: "network_error", message: "connection reset", sent: true };
      },
    },
  };
}

/** Calls by route since `before`. */
async function spent(t: SandboxTenant, before: Record<string, number>) {
  const after = (await t.stats()).requests_by_route;
  return Object.fromEntries(
    Object.entries(after)
      .map(([route, n]) => [route, n - (before[route] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
}

async function seeded(label: string, count = 250) {
  const t = new SandboxTenant(label);
  const halo = t.client();
  // Users already there: more than two pages, so a scan cannot stop at the list's end.
  const existing = await upsertUsers(halo, people(0, count, "old"), { chunkSize: 100 });
  const floorId = Math.max(...existing.map((u) => u.id));
  return { t, halo, floorId };
}

describe("resolving an uncertain array POST", () => {
  it("finds 100 users whose POST landed but whose answer was lost with one list call", async () => {
    const { t, halo, floorId } = await seeded("recover-lost");
    const before = (await t.stats()).requests_by_route;
    const saved = await upsertUsers(failingFirstPost(halo, "lost"), people(0, 100, "new"), {
      chunkSize: 100,
      floorId,
    });
    const calls = await spent(t, before);
    expect(saved).toHaveLength(100);
    // The POST, then one page of the newest users: no second POST, no lookup per record.
    expect(calls).toEqual({ "POST /api/users": 1, "GET /api/users": 1 });
    const stored = await t.listAll("Users", "users");
    expect(stored).toHaveLength(350);
    expect(new Set(saved.map((u) => u.id))).toEqual(
      new Set(stored.filter((u) => String(u.third_party_id).startsWith("lb:new")).map((u) => u.id)),
    );
  });

  it("knows a refused POST created nothing from one list call down to the floor, then sends it again", async () => {
    const { t, halo, floorId } = await seeded("recover-refused");
    const before = (await t.stats()).requests_by_route;
    const saved = await upsertUsers(failingFirstPost(halo, "refused"), people(0, 100, "new"), {
      chunkSize: 100,
      floorId,
    });
    const calls = await spent(t, before);
    expect(saved).toHaveLength(100);
    // The refused POST was never sent; the scan reached the floor in one page; one POST more.
    expect(calls).toEqual({ "POST /api/users": 1, "GET /api/users": 1 });
    const stored = await t.listAll("Users", "users");
    expect(stored).toHaveLength(350);
    expect(new Set(stored.map((u) => u.third_party_id)).size).toBe(350);
  });

  it("without a floor, settles what the newest pages cannot by lookups, creating nothing twice", async () => {
    // 600 users: three pages of the newest do not reach the list's end, and the three pages
    // left would cost more than looking the 2 keys still missing up.
    const { t, halo } = await seeded("recover-nofloor", 600);
    const before = (await t.stats()).requests_by_route;
    // mayExist: an earlier attempt may have created some of these. It created 3 of 5.
    await upsertUsers(halo, people(0, 3, "again"), { chunkSize: 100 });
    const saved = await upsertUsers(halo, people(0, 5, "again"), {
      chunkSize: 100,
      mayExist: true,
    });
    expect(saved).toHaveLength(5);
    const calls = await spent(t, before);
    // Two POSTs (the earlier attempt, then the 2 missing), three newest pages that never reach
    // the list's end, and a lookup for each of the 2 keys the pages did not settle.
    expect(calls["POST /api/users"]).toBe(2);
    expect(calls["GET /api/users"]).toBe(3 + 2);
    const stored = await t.listAll("Users", "users");
    expect(stored.filter((u) => String(u.third_party_id).startsWith("lb:again"))).toHaveLength(5);
  });
});
