import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { HaloDirect } from "../helpers/halo-direct";
import { bearer, issueKey } from "../helpers/keys";
import type { SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";
import { captureQueue, deliver, drain } from "./drive";

interface RunView {
  status: string;
  error: string | null;
  current: { entity: string; stage: string | null; page: number } | null;
  progress: Record<string, number>;
}

let tenant: SandboxTenant;
let auth: Record<string, string>;
let queue: ReturnType<typeof captureQueue>;

beforeAll(async () => {
  ({ tenant, auth } = await tenantApp("index-ctl"));
  const halo = new HaloDirect(tenant);
  const clients = (await halo.post(
    "Client?returnall=true",
    Array.from({ length: 3 }, (_, i) => ({ name: `Ctl ${i}`, website: `ctl-${i}.example` })),
  )) as { id: number }[];
  await halo.post(
    "Users",
    clients.map((c, i) => ({
      name: `Ctl Person ${i}`,
      emailaddress: `p${i}@ctl-${i}.example`,
      client_id: c.id,
    })),
  );
  queue = captureQueue();
});

afterAll(() => queue.restore());

const start = () => api<{ run_id: string }>("/halo/index", { method: "POST", headers: auth });
const status = async (id: string) =>
  (await api<RunView>(`/halo/index/${id}`, { headers: auth })).body;
const setRateLimit = (rate_limit: unknown) =>
  api("/config", { method: "PUT", headers: auth, json: { halopsa: { rate_limit } } });

describe("index run control", () => {
  it("refuses a second run while one is under way, and needs the admin scope", async () => {
    queue.sent.length = 0;
    const first = await start();
    expect(first.status).toBe(202);
    const second = await start();
    expect(second.status).toBe(409);
    expect(
      (second.body as unknown as { error: { details: { run_id: string } } }).error.details.run_id,
    ).toBe(first.body.run_id);
    const reader = bearer(await issueKey(["read"]));
    expect((await api("/halo/index", { method: "POST", headers: reader })).status).toBe(403);
    expect((await api(`/halo/index/${first.body.run_id}`, { headers: reader })).status).toBe(200);
    await drain(queue.sent);
    expect((await status(first.body.run_id)).status).toBe("completed");
    expect(
      (await api("/halo/index/hix_00000000000000000000000000", { headers: auth })).status,
    ).toBe(404);
  });

  it("counts a re-delivered page once", async () => {
    queue.sent.length = 0;
    const run = await start();
    const [firstMessage] = queue.sent.splice(0);
    await deliver(firstMessage?.body);
    const after = await status(run.body.run_id);
    expect(after.progress.clients_read).toBe(3);
    // The same page again (at-least-once delivery): dropped, nothing counted, nothing sent.
    const sentBefore = queue.sent.length;
    await deliver(firstMessage?.body);
    expect((await status(run.body.run_id)).progress).toEqual(after.progress);
    expect(queue.sent.length).toBe(sentBefore);
    await drain(queue.sent);
    const done = await status(run.body.run_id);
    expect(done.status).toBe("completed");
    expect(done.progress).toMatchObject({ clients_read: 3, users_read: 3, leads_linked: 3 });
  });

  it("re-sends a throttled page with HaloGate's delay and resumes from it", async () => {
    queue.sent.length = 0;
    const run = await start();
    const [firstMessage] = queue.sent.splice(0);
    // A window of one request, spent by the runs above: the page cannot be read now.
    await setRateLimit({ requests: 1, window_seconds: 600 });
    try {
      const result = await deliver(firstMessage?.body);
      expect(result.explicitAcks).toHaveLength(1);
      expect(result.retryMessages).toEqual([]);
      const resent = queue.sent.splice(0);
      expect(resent).toHaveLength(1);
      expect(resent[0]?.body).toEqual(firstMessage?.body);
      expect(resent[0]?.delaySeconds).toBeGreaterThan(5);
      const waiting = await status(run.body.run_id);
      expect(waiting.current).toEqual({ entity: "clients", stage: null, page: 1 });
      expect(waiting.progress.pages_read).toBe(0);
      queue.sent.push(...resent);
    } finally {
      await setRateLimit(null);
    }
    await drain(queue.sent);
    const done = await status(run.body.run_id);
    expect(done.status).toBe("completed");
    expect(done.progress.clients_read).toBe(3);
  });

  it("marks the run failed when a page is dead-lettered", async () => {
    queue.sent.length = 0;
    const run = await start();
    const [firstMessage] = queue.sent.splice(0);
    await deliver(firstMessage?.body, "leadbridge-jobs-dlq");
    const failed = await status(run.body.run_id);
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/retries/);
    // A late delivery of the page does nothing to a failed run.
    await deliver(firstMessage?.body);
    expect((await status(run.body.run_id)).progress.pages_read).toBe(0);
    const logged = await env.DB.prepare(
      "SELECT count(*) AS n FROM error_log WHERE code = 'DEAD_LETTER'",
    ).first<{ n: number }>();
    expect(logged?.n).toBeGreaterThan(0);
  });
});
