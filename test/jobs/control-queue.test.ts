import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import type { JobMessage } from "../../src/jobs/messages";
import { api } from "../helpers/api";
import { tenantApp } from "../helpers/tenant-app";

let auth: Record<string, string>;

beforeAll(async () => {
  ({ auth } = await tenantApp("control-queue"));
});

async function deliver(queue: string, body: unknown) {
  const batch = createMessageBatch(queue, [
    { id: `m-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<JobMessage>, env);
  return getQueueResult(batch, ctx);
}

async function pushes(suppressionId: string) {
  const rows = await env.DB.prepare(
    "SELECT target, status FROM suppression_propagations WHERE suppression_id = ?",
  )
    .bind(suppressionId)
    .all<{ target: string; status: string }>();
  return rows.results;
}

// Import chunks have the jobs queue to themselves: a burst of anything else there filled a
// batch of chunks and flushed it, so jobs submitted together ran apart and paid for merges.
describe("control queue", () => {
  it("a suppression's DNC push goes on the control queue, never the jobs queue", async () => {
    const control = vi.spyOn(env.CONTROL, "send").mockResolvedValue(undefined as never);
    const jobs = vi.spyOn(env.JOBS, "send");
    const jobsBatch = vi.spyOn(env.JOBS, "sendBatch");
    try {
      for (const value of ["a@burst.example", "b@burst.example", "c@burst.example"]) {
        const res = await api("/suppressions", {
          method: "POST",
          headers: auth,
          json: { kind: "email", value, reason: "burst" },
        });
        expect(res.status).toBe(201);
      }
      expect(control.mock.calls.map((c) => c[0])).toEqual([
        { type: "dnc.propagate" },
        { type: "dnc.propagate" },
        { type: "dnc.propagate" },
      ]);
      expect(jobs).not.toHaveBeenCalled();
      expect(jobsBatch).not.toHaveBeenCalled();
    } finally {
      control.mockRestore();
      jobs.mockRestore();
      jobsBatch.mockRestore();
    }
  });

  it("runs a DNC push an older deploy left on the jobs queue", async () => {
    const control = vi.spyOn(env.CONTROL, "send").mockResolvedValue(undefined as never);
    let id: string;
    try {
      const res = await api<{ id: string }>("/suppressions", {
        method: "POST",
        headers: auth,
        json: { kind: "email", value: "legacy@queue.example", reason: "left over" },
      });
      expect(res.status).toBe(201);
      id = res.body.id;
    } finally {
      control.mockRestore();
    }
    const halopsa = async () => (await pushes(id)).find((p) => p.target === "halopsa")?.status;
    expect(await halopsa()).toBe("pending");

    const result = await deliver("leadbridge-jobs", { type: "dnc.propagate" });
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toHaveLength(0);
    // No HaloPSA lead has this address: the push ran and had nothing to flag.
    expect(await halopsa()).toBe("skipped");
  });
});
