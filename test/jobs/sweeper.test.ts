import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { HaloGate } from "../../src/halo/gate";
import worker from "../../src/index";
import { createImportJob } from "../../src/jobs/create-job";
import type { JobMessage } from "../../src/jobs/messages";
import { sweepStalledJobs } from "../../src/jobs/sweeper";
import { api } from "../helpers/api";
import { JOB_OPTIONS } from "../helpers/jobs";
import { type SandboxTenant, sleep } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";

interface Job {
  status: string;
  total: number;
  pending: number;
  successful: number;
  failed: number;
  rejected: number;
  by_action: Record<string, number>;
  results: { index: number; action: string; lead_id: string | null }[];
}

let tenant: SandboxTenant;
let auth: Record<string, string>;

beforeAll(async () => {
  ({ tenant, auth } = await tenantApp("sweeper"));
});

const LEADS = 250; // three chunks: 100, 100, 50
const person = (i: number) => ({
  first_name: `Stranded${i}`,
  last_name: `Sweep${i}`,
  email: `stranded${i}@sweep-co${i % 50}.example`,
  company: `Sweep Co ${i % 50}`,
  website: `sweep-co${i % 50}.example`,
});

async function deliver(body: JobMessage) {
  const batch = createMessageBatch("leadbridge-jobs", [
    { id: `m-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body },
  ]);
  await worker.queue(batch as MessageBatch<JobMessage>, env);
}

const job = async (id: string) => (await api<Job>(`/sync/jobs/${id}`, { headers: auth })).body;

/**
 * The HaloGate stub as a Worker that is killed mid-chunk sees it: the users POST reaches
 * HaloPSA and lands, but the Worker dies before it can read the answer or save the new ids.
 */
function killAfterUsersPost() {
  const original = env.HALO_GATE.get.bind(env.HALO_GATE);
  return vi.spyOn(env.HALO_GATE, "get").mockImplementation((id) => {
    const stub = original(id);
    return {
      send: async (...args: Parameters<DurableObjectStub<HaloGate>["send"]>) => {
        const result = await stub.send(...args);
        if (args[1].method === "POST" && args[1].path === "/api/Users")
          throw new Error("simulated: the Worker was killed");
        return result;
      },
    } as unknown as DurableObjectStub<HaloGate>;
  });
}

describe("stalled-job sweeper", () => {
  it("resumes a bulk job whose consumer died mid-run: no resubmission, no duplicate", async () => {
    // The dead Worker's queue: chunk messages are captured, never delivered by Queues.
    const captured = vi.spyOn(env.JOBS, "sendBatch").mockResolvedValue(undefined as never);
    const created = await createImportJob(env, {
      kind: "bulk",
      source: "generic",
      records: Array.from({ length: LEADS }, (_, i) => person(i)),
      options: JOB_OPTIONS,
      createdBy: "test",
    });
    captured.mockRestore();
    expect(created.chunks).toBe(3);

    // Chunk 0 runs to the end; chunk 1's Worker dies after its users POST; chunk 2 is lost.
    await deliver({ type: "import.chunk", job_id: created.id, chunk: 0 });
    const kill = killAfterUsersPost();
    try {
      await deliver({ type: "import.chunk", job_id: created.id, chunk: 1 });
    } finally {
      kill.mockRestore();
    }
    const stranded = await job(created.id);
    expect(stranded.status).toBe("running");
    expect(stranded.pending).toBe(150);
    // The dead Worker's users are in HaloPSA, their ids nowhere in D1.
    expect(await tenant.listAll("Users", "users")).toHaveLength(200);

    // Nothing moves by itself before the stall threshold (180 s by default).
    expect(await sweepStalledJobs(env, new Date(Date.now() + 60_000))).toMatchObject({
      chunks: 0,
    });

    // The cron's sweeper, four minutes later: both stranded chunks go back to the queue.
    const sends = vi.spyOn(env.JOBS, "sendBatch");
    const later = Date.now() + 4 * 60_000;
    const started = Date.now();
    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ scheduledTime: later, cron: "* * * * *" }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const sent = sends.mock.calls.flatMap(([messages]) => [...messages].map((m) => m.body));
    sends.mockRestore();
    expect(sent).toEqual([
      { type: "import.chunk", job_id: created.id, chunk: 1 },
      { type: "import.chunk", job_id: created.id, chunk: 2 },
    ]);
    // A second sweep while those messages are queued sends nothing again.
    expect(await sweepStalledJobs(env, new Date(later))).toEqual({ jobs: 0, chunks: 0, leads: 0 });

    let done = await job(created.id);
    for (let i = 0; i < 240 && done.status === "running"; i++) {
      await sleep(250);
      done = await job(created.id);
    }
    const resumeMs = Date.now() - started;
    console.log(
      JSON.stringify({
        metric: "stranded_job_resume",
        leads: LEADS,
        pending_at_sweep: stranded.pending,
        chunks_resent: sent.length,
        sweep_to_completion_ms: resumeMs,
      }),
    );
    expect(done).toMatchObject({ status: "completed", pending: 0, failed: 0, rejected: 0 });
    expect(done.by_action).toEqual({ created: LEADS });
    // Every lead in exactly one outcome.
    expect(done.results.map((r) => r.index).sort((a, b) => a - b)).toEqual(
      Array.from({ length: LEADS }, (_, i) => i),
    );

    // HaloPSA holds each person, and each company, exactly once.
    const users = await tenant.listAll("Users", "users");
    const tickets = await tenant.listAll("Tickets", "tickets");
    const clients = await tenant.listAll("Client", "clients");
    const leadIds = new Set(done.results.map((r) => r.lead_id));
    expect(leadIds.size).toBe(LEADS);
    expect(users).toHaveLength(LEADS);
    expect(new Set(users.map((u) => u.third_party_id)).size).toBe(LEADS);
    expect(tickets).toHaveLength(LEADS);
    expect(new Set(tickets.map((t) => t.third_party_id_string))).toEqual(leadIds);
    expect(clients).toHaveLength(50);
  });

  it("leaves alone a job that is still moving and chunks whose delivery is due", async () => {
    const captured = vi.spyOn(env.JOBS, "sendBatch").mockResolvedValue(undefined as never);
    const created = await createImportJob(env, {
      kind: "bulk",
      source: "generic",
      records: [person(1000), person(1001)],
      options: JOB_OPTIONS,
      createdBy: "test",
    });
    captured.mockRestore();
    // Sent a moment ago: not stalled. Re-stamped as due in ten minutes (a long queue delay):
    // still not stalled four minutes from now.
    expect((await sweepStalledJobs(env, new Date(Date.now() + 60_000))).chunks).toBe(0);
    await env.DB.prepare("UPDATE job_items SET due_at = ? WHERE job_id = ?")
      .bind(new Date(Date.now() + 10 * 60_000).toISOString(), created.id)
      .run();
    expect((await sweepStalledJobs(env, new Date(Date.now() + 4 * 60_000))).chunks).toBe(0);
    const send = vi.spyOn(env.JOBS, "sendBatch").mockResolvedValue(undefined as never);
    try {
      const summary = await sweepStalledJobs(env, new Date(Date.now() + 14 * 60_000));
      expect(summary).toEqual({ jobs: 1, chunks: 1, leads: 2 });
    } finally {
      send.mockRestore();
    }
  });
});
