import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { HaloGate } from "../../src/halo/gate";
import type { GateResult, HaloRequest } from "../../src/halo/types";
import worker from "../../src/index";
import { createImportJob } from "../../src/jobs/create-job";
import type { JobMessage } from "../../src/jobs/messages";
import { api } from "../helpers/api";
import type { SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";

interface Job {
  status: string;
  pending: number;
  failed: number;
  by_action: Record<string, number>;
  results: { index: number; action: string; lead_id: string | null }[];
}

let tenant: SandboxTenant;
let auth: Record<string, string>;

beforeAll(async () => {
  ({ tenant, auth } = await tenantApp("batch"));
});

const LEADS = 250; // three chunks: 100, 100, 50
const person = (tag: string, i: number) => ({
  first_name: `Batch${i}`,
  last_name: `Shared${tag}`,
  email: `${tag}${i}@batch-${tag}-co${i % 50}.example`,
  company: `Batch ${tag} Co ${i % 50}`,
  website: `batch-${tag}-co${i % 50}.example`,
});

async function newJob(tag: string, { update_existing = true } = {}) {
  const send = vi.spyOn(env.JOBS, "sendBatch").mockResolvedValue(undefined as never);
  const job = await createImportJob(env, {
    kind: "bulk",
    source: "generic",
    records: Array.from({ length: LEADS }, (_, i) => person(tag, i)),
    options: {
      deduplication: true,
      update_existing,
      custom_fields: true,
      continue_on_error: true,
    },
    createdBy: "test",
  });
  send.mockRestore();
  expect(job.chunks).toBe(3);
  return job;
}

/** Delivers the job's chunks as one queue batch, as Queues does with max_batch_size ≥ 3. */
async function deliver(jobId: string, chunks: number[], attempts = 1, resends = false) {
  return deliverMany(
    chunks.map((chunk) => ({ id: `m-${chunk}`, jobId, chunk })),
    attempts,
    resends,
  );
}

/** Delivers chunks of any jobs as one queue batch. */
async function deliverMany(
  refs: { id: string; jobId: string; chunk: number }[],
  attempts = 1,
  resends = false,
) {
  const batch = createMessageBatch(
    "leadbridge-jobs",
    refs.map(({ id, jobId, chunk }) => ({
      id,
      timestamp: new Date(),
      attempts,
      body: { type: "import.chunk", job_id: jobId, chunk } satisfies JobMessage,
    })),
  );
  const ctx = createExecutionContext();
  // Re-sends (a throttle, busy people) are not expected unless the test says so; fail loudly
  // if one happens. When expected, they are swallowed: the test delivers again itself.
  const sends = resends
    ? vi.spyOn(env.JOBS, "sendBatch").mockResolvedValue(undefined as never)
    : vi.spyOn(env.JOBS, "sendBatch");
  await worker.queue(batch as MessageBatch<JobMessage>, env, ctx);
  const result = await getQueueResult(batch, ctx);
  if (resends) expect(sends).toHaveBeenCalled();
  else expect(sends).not.toHaveBeenCalled();
  sends.mockRestore();
  return {
    acked: [...result.explicitAcks].sort(),
    retried: result.retryMessages.map((m) => m.msgId).sort(),
  };
}

/** Wraps the HaloGate stub: `answer` may replace HaloPSA's answer to a request. */
function interceptGate(
  answer: (request: HaloRequest, send: () => Promise<GateResult>) => Promise<GateResult>,
) {
  const original = env.HALO_GATE.get.bind(env.HALO_GATE);
  return vi.spyOn(env.HALO_GATE, "get").mockImplementation((id) => {
    const stub = original(id);
    return {
      send: (...args: Parameters<DurableObjectStub<HaloGate>["send"]>) =>
        answer(args[1], () => stub.send(...args) as Promise<GateResult>),
    } as unknown as DurableObjectStub<HaloGate>;
  });
}

const job = async (id: string) => (await api<Job>(`/sync/jobs/${id}`, { headers: auth })).body;

async function calls() {
  return (await tenant.stats()).requests_by_route;
}

function diff(after: Record<string, number>, before: Record<string, number>) {
  return Object.fromEntries(
    Object.entries(after)
      .map(([route, n]) => [route, n - (before[route] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
}

/** Each person once in HaloPSA (user and ticket), each company once (client). */
async function expectExactlyOnce(tag: string, done: Job) {
  const mine = (r: Record<string, unknown>, field: string) =>
    String(r[field] ?? "").includes(`@batch-${tag}-`);
  const users = (await tenant.listAll("Users", "users")).filter((u) => mine(u, "emailaddress"));
  const tickets = (await tenant.listAll("Tickets", "tickets")).filter((t) => mine(t, "user_email"));
  const clients = (await tenant.listAll("Client", "clients")).filter((c) =>
    String(c.name ?? "").includes(`Batch ${tag} Co`),
  );
  const leadIds = new Set(done.results.map((r) => r.lead_id));
  expect(leadIds.size).toBe(LEADS);
  expect(users).toHaveLength(LEADS);
  expect(new Set(users.map((u) => u.third_party_id))).toEqual(leadIds);
  expect(tickets).toHaveLength(LEADS);
  expect(new Set(tickets.map((t) => t.third_party_id_string))).toEqual(leadIds);
  expect(clients).toHaveLength(50);
}

describe("a queue batch of several chunks", () => {
  it("imports three chunk messages as one run: users and tickets share arrays of 100", async () => {
    const created = await newJob("one");
    const before = await calls();
    const result = await deliver(created.id, [0, 1, 2]);
    expect(result).toEqual({ acked: ["m-0", "m-1", "m-2"], retried: [] });
    const spent = diff(await calls(), before);
    // 50 companies and 250 people: one POST of clients, one of sites, three of users and of
    // tickets — where three separate runs paid a client, site, user and ticket POST each.
    expect(spent).toMatchObject({
      "POST /api/client": 1,
      "POST /api/site": 1,
      "POST /api/users": 3,
      "POST /api/tickets": 3,
    });
    const done = await job(created.id);
    expect(done).toMatchObject({ status: "completed", pending: 0, failed: 0 });
    expect(done.by_action).toEqual({ created: LEADS });
    await expectExactlyOnce("one", done);
  });

  it("imports two jobs of the same people as one run: one create each, no merge afterwards", async () => {
    // Two uploads of the same 250 people (two syncs of one cron tick) and a third job, of other
    // people, whose options differ: it shares the batch but not the run.
    const first = await newJob("pair");
    const second = await newJob("pair");
    const other = await newJob("apart", { update_existing: false });
    const refs = [first, second, other].flatMap((j, n) =>
      [0, 1, 2].map((chunk) => ({ id: `m-${n}-${chunk}`, jobId: j.id, chunk })),
    );
    const before = await calls();
    const result = await deliverMany(refs);
    expect(result).toEqual({ acked: refs.map((r) => r.id).sort(), retried: [] });
    const spent = diff(await calls(), before);
    // 250 shared people in arrays of 100 (3 POSTs), and the other job's 250 in 3 of their own:
    // nothing read back, nothing updated, no merge note.
    expect(spent).toMatchObject({ "POST /api/users": 6, "POST /api/tickets": 6 });
    expect(spent["GET /api/tickets"]).toBeUndefined();
    expect(spent["POST /api/actions"]).toBeUndefined();
    const [a, b, c] = [await job(first.id), await job(second.id), await job(other.id)];
    for (const j of [a, b, c]) expect(j).toMatchObject({ status: "completed", pending: 0 });
    expect(a.by_action).toEqual({ created: LEADS });
    expect(b.by_action).toEqual({ merged: LEADS });
    expect(c.by_action).toEqual({ created: LEADS });
    // Each job's items name the same leads, and each person exists once.
    expect(new Set(b.results.map((r) => r.lead_id))).toEqual(
      new Set(a.results.map((r) => r.lead_id)),
    );
    await expectExactlyOnce("pair", a);
    const audit = await env.DB.prepare(
      "SELECT actor FROM audit_log WHERE action = 'lead.created' AND actor LIKE ? LIMIT 1",
    )
      .bind(`%${second.id}%`)
      .first<{ actor: string }>();
    expect(audit?.actor).toBe(`job:${first.id}+${second.id}`);
  });

  it("survives a Worker killed mid-batch: the redelivered batch finishes without a duplicate", async () => {
    const created = await newJob("kill");
    let usersPosts = 0;
    let dead = false;
    // The second users POST lands in HaloPSA, then the Worker dies before reading the answer:
    // nothing it would have sent after that reaches HaloPSA.
    const kill = interceptGate(async (request, send) => {
      if (dead) return { kind: "network_error", message: "the Worker is gone", sent: false };
      const result = await send();
      if (request.method === "POST" && request.path === "/api/Users" && ++usersPosts === 2) {
        dead = true;
        throw new Error("simulated: the Worker was killed");
      }
      return result;
    });
    try {
      const first = await deliver(created.id, [0, 1, 2]);
      // Nothing acked: every chunk comes back (at-least-once), none lost.
      expect(first.acked).toEqual([]);
      expect(first.retried).toEqual(["m-0", "m-1", "m-2"]);
    } finally {
      kill.mockRestore();
    }
    const stranded = await job(created.id);
    expect(stranded.pending).toBe(LEADS);
    // Two arrays of users are in HaloPSA; only the first one's ids are in D1.
    const landed = (await tenant.listAll("Users", "users")).filter((u) =>
      String(u.emailaddress).includes("batch-kill-"),
    );
    expect(landed).toHaveLength(200);

    const before = await calls();
    const again = await deliver(created.id, [0, 1, 2], 2);
    expect(again).toEqual({ acked: ["m-0", "m-1", "m-2"], retried: [] });
    const spent = diff(await calls(), before);
    // The unrecorded array is found among the newest users in one page, not user by user.
    expect(spent["GET /api/users"] ?? 0).toBeLessThanOrEqual(2);
    expect(spent["POST /api/users"]).toBe(1); // only the 50 never sent
    const done = await job(created.id);
    expect(done).toMatchObject({ status: "completed", pending: 0, failed: 0 });
    expect(done.by_action).toEqual({ created: LEADS });
    await expectExactlyOnce("kill", done);
  });

  it("reports leads a cut-short run created as created when the batch resumes", async () => {
    const created = await newJob("resume");
    let ticketPosts = 0;
    let full = false;
    // The first array of tickets lands and is recorded (100 leads complete, with their audit
    // entries), then HaloPSA's window is full: the run stops before the job's items are written
    // and every chunk is re-sent to wait for the window.
    const throttle = interceptGate(async (request, send) => {
      if (full) return { kind: "throttled", retryAfterMs: 1_000, reason: "window" };
      const result = await send();
      if (request.method === "POST" && request.path === "/api/Tickets" && ++ticketPosts === 1)
        full = true;
      return result;
    });
    try {
      const first = await deliver(created.id, [0, 1, 2], 1, true);
      expect(first).toEqual({ acked: ["m-0", "m-1", "m-2"], retried: [] });
    } finally {
      throttle.mockRestore();
    }
    expect((await job(created.id)).pending).toBe(LEADS);
    const again = await deliver(created.id, [0, 1, 2], 2);
    expect(again).toEqual({ acked: ["m-0", "m-1", "m-2"], retried: [] });
    const done = await job(created.id);
    expect(done).toMatchObject({ status: "completed", pending: 0, failed: 0 });
    // Not "created: 150, preserved: 100": the job created every one of them.
    expect(done.by_action).toEqual({ created: LEADS });
    await expectExactlyOnce("resume", done);
    // Each creation is audited once, with its lead.created event, the cut-short run's too.
    const mine = "SELECT lead_id FROM job_items WHERE job_id = ?1";
    for (const sql of [
      `SELECT count(*) AS n FROM audit_log WHERE action = 'lead.created' AND lead_id IN (${mine})`,
      `SELECT count(*) AS n FROM webhook_events WHERE type = 'lead.created'
         AND json_extract(payload, '$.data.lead_id') IN (${mine})`,
    ]) {
      const row = await env.DB.prepare(sql).bind(created.id).first<{ n: number }>();
      expect(row?.n).toBe(LEADS);
    }
  });

  it("retries only the message whose records HaloPSA failed, and acks the others", async () => {
    const created = await newJob("fail");
    // HaloPSA is unreachable for the users array holding chunk 2's people (indexes 200–249).
    const down = interceptGate(async (request, send) => {
      const body = Array.isArray(request.body) ? request.body : [];
      const chunk2 = body.some((r: { emailaddress?: string }) =>
        /^fail2\d\d@/.test(r.emailaddress ?? ""),
      );
      if (request.method === "POST" && request.path === "/api/Users" && chunk2)
        return { kind: "network_error", message: "connection refused", sent: false };
      return send();
    });
    try {
      const first = await deliver(created.id, [0, 1, 2]);
      expect(first).toEqual({ acked: ["m-0", "m-1"], retried: ["m-2"] });
    } finally {
      down.mockRestore();
    }
    const partial = await job(created.id);
    expect(partial.status).toBe("running");
    expect(partial.pending).toBe(50);
    expect(partial.by_action.created).toBe(200);

    const again = await deliver(created.id, [2], 2);
    expect(again).toEqual({ acked: ["m-2"], retried: [] });
    const done = await job(created.id);
    expect(done).toMatchObject({ status: "completed", pending: 0, failed: 0 });
    expect(done.by_action).toEqual({ created: LEADS });
    await expectExactlyOnce("fail", done);
  });
});
