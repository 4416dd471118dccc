import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { database } from "../../src/db/client";
import { loadConfig } from "../../src/db/config-repo";
import type { ImportContext } from "../../src/pipeline/context";
import { haloPort } from "../../src/pipeline/halo-adapter";
import { importLeads } from "../../src/pipeline/import-leads";
import { DEFAULT_IMPORT_OPTIONS } from "../../src/pipeline/options";
import { HaloDirect } from "../helpers/halo-direct";
import type { SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";

const N = 100;
const person = (i: number, title: string) => ({
  first_name: `Reader${i}`,
  last_name: "Paged",
  email: `reader${i}@paged-co${i % 20}.example`,
  company: `Paged Co ${i % 20}`,
  website: `paged-co${i % 20}.example`,
  title,
});

async function run(title: string) {
  const db = database(env.DB);
  const { config } = await loadConfig(db);
  const ctx: ImportContext = {
    db,
    halo: haloPort(env, config, { maxWaitMs: 5_000 }),
    config,
    now: new Date(),
    actor: "test",
    requestId: null,
    options: DEFAULT_IMPORT_OPTIONS,
  };
  return importLeads(
    ctx,
    Array.from({ length: N }, (_, i) => ({
      index: i,
      source: "generic",
      data: person(i, title),
    })),
  );
}

/** GET calls on /api/Users since `before`, by route. */
async function userReads(tenant: SandboxTenant, before: Record<string, number>) {
  const after = (await tenant.stats()).requests_by_route;
  return Object.fromEntries(
    Object.entries(after)
      .filter(([route]) => route.startsWith("GET /api/users"))
      .map(([route, n]) => [route, n - (before[route] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
}

describe("a merge's read-back of users", () => {
  it("reads 100 users in pages, keeps a manual edit, still reads an inactive user and tells a deleted one by its 404", async () => {
    const { tenant } = await tenantApp("merge-reads");
    const halo = new HaloDirect(tenant);
    const first = await run("Engineer");
    expect(first.every((o) => o.action === "created")).toBe(true);
    const userOf = (i: number) => first[i]?.halopsa.user_id ?? 0;

    // By hand in HaloPSA: one user retitled, one marked inactive, one deleted.
    await halo.post("Users", [{ id: userOf(1), title: "VP Engineering" }]);
    await halo.post("Users", [{ id: userOf(2), inactive: true }]);
    await halo.delete(`Users/${userOf(3)}`);

    const before = (await tenant.stats()).requests_by_route;
    const again = await run("Principal Engineer");
    const reads = await userReads(tenant, before);
    // One page of the newest users holds all 100; the deleted one is confirmed by one GET.
    expect(reads).toEqual({ "GET /api/users": 1, "GET /api/users/{id}": 1 });

    expect(again[0]).toMatchObject({ action: "updated" });
    expect(again[0]?.fields_updated).toContain("user.title");
    // The manual edit survives the merge.
    expect(again[1]?.fields_preserved).toContain("user.title");
    expect((await halo.get(`Users/${userOf(1)}`)).title).toBe("VP Engineering");
    // The inactive user was read, not taken for deleted: merged in place.
    expect(again[2]).toMatchObject({ action: "updated" });
    expect(again[2]?.halopsa.user_id).toBe(userOf(2));
    // The deleted user is written again (on_deleted: recreate).
    expect(again[3]?.halopsa.user_id).not.toBe(userOf(3));
    expect(again[3]?.actions_taken).toContain("lead_recreated");
  });
});
