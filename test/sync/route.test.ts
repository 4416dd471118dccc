import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { bearer, issueKey } from "../helpers/keys";
import { ProviderSandbox, patchConfig } from "./helpers";

/** The API with the provider base URLs on a sandbox tenant (the Worker's own env points elsewhere). */
async function call(
  sandbox: ProviderSandbox,
  path: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) headers.set("content-type", "application/json");
  const ctx = createExecutionContext();
  const res = await createApp().fetch(
    new Request(`http://localhost/api/v1${path}`, {
      ...rest,
      headers,
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    }),
    sandbox.env(),
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

interface Run {
  search_id: string;
  outcome: string;
  pages_read: number;
  records_found: number;
  credits_spent: number;
  job_ids: string[];
  checkpoint: { position: { page: number } };
}

describe("POST /sync/providers/{provider}/run and GET /sync/providers", () => {
  it("runs a saved search on demand and reports its checkpoint", async () => {
    const sandbox = new ProviderSandbox();
    await patchConfig({
      providers: {
        apollo: {
          saved_searches: [
            {
              id: "demand",
              filters: { person_titles: ["sales"], per_page: 4 },
              max_pages_per_run: 1,
            },
            {
              id: "other",
              filters: { person_seniorities: ["founder"], per_page: 4 },
              max_pages_per_run: 1,
            },
          ],
        },
      },
    });
    const writer = await issueKey(["write"]);
    const reader = await issueKey(["read"]);

    const denied = await call(sandbox, "/sync/providers/apollo/run", {
      method: "POST",
      headers: bearer(reader),
      json: { search_id: "demand" },
    });
    expect(denied.status).toBe(403);

    const res = await call(sandbox, "/sync/providers/apollo/run", {
      method: "POST",
      headers: bearer(writer),
      json: { search_id: "demand" },
    });
    expect(res.status).toBe(202);
    const [run] = res.body.runs as Run[];
    expect(run?.search_id).toBe("demand");
    expect(run?.pages_read).toBe(1);
    expect(run?.records_found).toBe(4);
    expect(run?.credits_spent).toBe(4);
    expect(run?.job_ids).toHaveLength(1);
    expect(run?.checkpoint.position.page).toBe(2);

    // No body: every saved search of the provider.
    const all = await call(sandbox, "/sync/providers/apollo/run", {
      method: "POST",
      headers: bearer(writer),
    });
    expect(all.status).toBe(202);
    expect((all.body.runs as Run[]).map((r) => [r.search_id, r.checkpoint.position.page])).toEqual([
      ["demand", 3],
      ["other", 2],
    ]);

    const list = await call(sandbox, "/sync/providers", { headers: bearer(reader) });
    expect(list.status).toBe(200);
    const states = list.body.searches as {
      provider: string;
      search_id: string;
      status: string;
      imported: number;
      configured: boolean;
      checkpoint: { position: { page: number } } | null;
    }[];
    const demand = states.find((s) => s.search_id === "demand");
    expect(demand).toMatchObject({
      provider: "apollo",
      status: "active",
      imported: 8,
      configured: true,
    });
    expect(demand?.checkpoint?.position.page).toBe(3);
  });

  it("answers 404 for an unknown search, 409 for a disabled provider, 400 for a bad body", async () => {
    const sandbox = new ProviderSandbox();
    const writer = await issueKey(["write"]);
    const missing = await call(sandbox, "/sync/providers/hunter/run", {
      method: "POST",
      headers: bearer(writer),
      json: { search_id: "nope" },
    });
    expect(missing.status).toBe(404);
    expect((missing.body.error as { code: string }).code).toBe("RESOURCE_NOT_FOUND");

    const bad = await call(sandbox, "/sync/providers/hunter/run", {
      method: "POST",
      headers: bearer(writer),
      json: { search_id: "x", extra: true },
    });
    expect(bad.status).toBe(400);

    await patchConfig({ providers: { zoominfo: { enabled: false } } });
    const disabled = await call(sandbox, "/sync/providers/zoominfo/run", {
      method: "POST",
      headers: bearer(writer),
    });
    expect(disabled.status).toBe(409);
    const unknown = await call(sandbox, "/sync/providers/linkedin/run", {
      method: "POST",
      headers: bearer(writer),
    });
    expect(unknown.status).toBe(400);
  });
});
