import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { createImportJob } from "../../src/jobs/create-job";
import type { JobMessage } from "../../src/jobs/messages";
import { api } from "../helpers/api";
import type { SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";

let tenant: SandboxTenant;
let auth: Record<string, string>;

beforeAll(async () => {
  ({ tenant, auth } = await tenantApp("consumer"));
});

const options = { deduplication: true, update_existing: true, custom_fields: true };

async function newJob(records: unknown[], continue_on_error = true) {
  // Sending is stubbed: these tests hand the messages to the consumer themselves.
  const send = vi.spyOn(env.JOBS, "sendBatch").mockResolvedValue(undefined as never);
  const job = await createImportJob(env, {
    kind: "bulk",
    source: "generic",
    records,
    options: { ...options, continue_on_error },
    createdBy: "test",
  });
  send.mockRestore();
  return job;
}

async function deliver(queue: string, body: unknown, attempts = 1) {
  const batch = createMessageBatch(queue, [
    { id: `m-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body },
  ]);
  const message = batch.messages[0];
  if (!message) throw new Error("empty batch");
  // The queue result records that a message was retried, not with which delay.
  const retry = vi.spyOn(message, "retry");
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<JobMessage>, env);
  const result = await getQueueResult(batch, ctx);
  return { ...result, retryDelays: retry.mock.calls.map((c) => c[0]?.delaySeconds) };
}

const lead = (i: number) => ({
  first_name: `Q${i}`,
  last_name: `Consumer${i}`,
  email: `q${i}@queue-${i}.example`,
  company: `Queue ${i}`,
});

async function item(jobId: string, idx: number) {
  return env.DB.prepare("SELECT status, action, error FROM job_items WHERE job_id = ? AND idx = ?")
    .bind(jobId, idx)
    .first<{ status: string; action: string | null; error: string | null }>();
}

describe("jobs queue consumer", () => {
  it("acks a chunk it imported and records each outcome", async () => {
    const job = await newJob([lead(1), lead(2)]);
    const result = await deliver("leadbridge-jobs", {
      type: "import.chunk",
      job_id: job.id,
      chunk: 0,
    });
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);
    expect((await item(job.id, 0))?.action).toBe("created");
    const status = await api<{ status: string; successful: number }>(`/sync/jobs/${job.id}`, {
      headers: auth,
    });
    expect(status.body.status).toBe("completed");
    expect(status.body.successful).toBe(2);
  });

  it("acks and drops a malformed message, logging it", async () => {
    const result = await deliver("leadbridge-jobs", { type: "nonsense" });
    expect(result.explicitAcks).toHaveLength(1);
    const logged = await env.DB.prepare(
      "SELECT count(*) AS n FROM error_log WHERE code = 'INVALID_MESSAGE'",
    ).first<{ n: number }>();
    expect(logged?.n).toBeGreaterThan(0);
  });

  it("retries a failing chunk with capped backoff when continue_on_error is false", async () => {
    await tenant.knobs({ error_rate: 1 });
    try {
      const job = await newJob([lead(10)], false);
      const result = await deliver(
        "leadbridge-jobs",
        { type: "import.chunk", job_id: job.id, chunk: 0 },
        3,
      );
      expect(result.explicitAcks).toEqual([]);
      expect(result.retryMessages).toHaveLength(1);
      expect(result.retryDelays).toEqual([40]);
      expect((await item(job.id, 0))?.status).toBe("pending");
    } finally {
      await tenant.knobs({ error_rate: 0 });
    }
  });

  it("re-sends a throttled chunk with HaloGate's delay instead of spending a retry", async () => {
    const job = await newJob([lead(20)]);
    await api("/config", {
      method: "PUT",
      headers: auth,
      json: { halopsa: { rate_limit: { requests: 1, window_seconds: 600 } } },
    });
    const send = vi.spyOn(env.JOBS, "sendBatch").mockResolvedValue(undefined as never);
    try {
      const result = await deliver("leadbridge-jobs", {
        type: "import.chunk",
        job_id: job.id,
        chunk: 0,
      });
      expect(result.explicitAcks).toHaveLength(1);
      expect(result.retryMessages).toEqual([]);
      expect(send).toHaveBeenCalledTimes(1);
      const [message] = send.mock.calls[0]?.[0] ?? [];
      expect(message?.body).toEqual({ type: "import.chunk", job_id: job.id, chunk: 0 });
      expect(message?.delaySeconds).toBeGreaterThan(5);
      expect((await item(job.id, 0))?.status).toBe("pending");
    } finally {
      send.mockRestore();
      await api("/config", {
        method: "PUT",
        headers: auth,
        json: { halopsa: { rate_limit: null } },
      });
    }
  });

  it("records dead-lettered leads as failed so the totals stay exact, and replays them", async () => {
    const job = await newJob([lead(30), lead(31)]);
    const result = await deliver("leadbridge-jobs-dlq", {
      type: "import.chunk",
      job_id: job.id,
      chunk: 0,
    });
    expect(result.explicitAcks).toHaveLength(1);
    expect((await item(job.id, 1))?.status).toBe("failed");
    const status = await api<{
      status: string;
      failed: number;
      pending: number;
      errors: unknown[];
    }>(`/sync/jobs/${job.id}`, { headers: auth });
    expect(status.body).toMatchObject({ status: "completed_with_errors", failed: 2, pending: 0 });
    expect(status.body.errors).toHaveLength(2);

    const send = vi.spyOn(env.JOBS, "sendBatch").mockResolvedValue(undefined as never);
    const replay = await api<{ replayed: number }>(`/sync/jobs/${job.id}/retry`, {
      method: "POST",
      headers: auth,
    });
    send.mockRestore();
    expect(replay.status).toBe(202);
    expect(replay.body.replayed).toBe(2);
    await deliver("leadbridge-jobs", { type: "import.chunk", job_id: job.id, chunk: 0 });
    const done = await api<{ status: string; successful: number }>(`/sync/jobs/${job.id}`, {
      headers: auth,
    });
    expect(done.body).toMatchObject({ status: "completed", successful: 2 });
  });
});
