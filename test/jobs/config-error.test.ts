import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { createImportJob } from "../../src/jobs/create-job";
import type { JobMessage } from "../../src/jobs/messages";
import { api } from "../helpers/api";
import { JOB_OPTIONS } from "../helpers/jobs";
import type { SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";

interface Job {
  status: string;
  pending: number;
  successful: number;
  failed: number;
  rejected: number;
  last_error: string | null;
  results: { index: number; action: string; reason: string | null }[];
  errors: { index: number; error: string; kind: string }[];
}

let tenant: SandboxTenant;
let auth: Record<string, string>;

beforeAll(async () => {
  ({ tenant, auth } = await tenantApp("config-error"));
});

async function deliver(body: JobMessage) {
  const batch = createMessageBatch("leadbridge-jobs", [
    { id: `m-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<JobMessage>, env);
  return getQueueResult(batch, ctx);
}

const job = async (id: string) => (await api<Job>(`/sync/jobs/${id}`, { headers: auth })).body;

describe("a job whose leads cannot be written because of the configuration", () => {
  it("shows HaloPSA's refusal on the job and its leads instead of running forever", async () => {
    // A status id the tenant does not know, stored while HaloPSA could not be asked.
    await env.DB.prepare("DELETE FROM halo_lookups").run();
    await tenant.knobs({ error_rate: 1 });
    try {
      const res = await api<{ verification: { state: string } }>("/config", {
        method: "PUT",
        headers: auth,
        json: { halopsa: { lifecycle: { lead: { statuses: { new_lead: 999 } } } } },
      });
      expect(res.body.verification.state).toBe("unverified");
    } finally {
      await tenant.knobs({ error_rate: 0 });
    }

    const send = vi.spyOn(env.JOBS, "sendBatch").mockResolvedValue(undefined as never);
    const created = await createImportJob(env, {
      kind: "bulk",
      source: "generic",
      records: [1, 2, 3].map((i) => ({
        first_name: `Conf${i}`,
        last_name: `Error${i}`,
        email: `conf${i}@config-error.example`,
        company: "Config Error Ltd",
      })),
      options: JOB_OPTIONS,
      createdBy: "test",
    });
    send.mockRestore();

    // HaloPSA refuses the tickets (400): no point retrying the same write into the DLQ.
    const result = await deliver({ type: "import.chunk", job_id: created.id, chunk: 0 });
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);

    const stuck = await job(created.id);
    expect(stuck).toMatchObject({
      status: "completed_with_errors",
      pending: 0,
      failed: 3,
      rejected: 0,
    });
    expect(stuck.last_error).toMatch(/HaloPSA answered 400 .*Status 999 does not exist/);
    expect(stuck.results.map((r) => r.reason)).toEqual([
      expect.stringContaining("Status 999"),
      expect.stringContaining("Status 999"),
      expect.stringContaining("Status 999"),
    ]);
    expect(stuck.errors.map((e) => e.kind)).toEqual(["failed", "failed", "failed"]);

    // Fixed configuration, one replay: the leads are written, nothing twice.
    const fixed = await api("/config", {
      method: "PUT",
      headers: auth,
      json: { halopsa: { lifecycle: { lead: { statuses: { new_lead: null } } } } },
    });
    expect(fixed.status).toBe(200);
    const resend = vi.spyOn(env.JOBS, "sendBatch").mockResolvedValue(undefined as never);
    const retry = await api<{ replayed: number; resumed: number; chunks: number }>(
      `/sync/jobs/${created.id}/retry`,
      { method: "POST", headers: auth },
    );
    resend.mockRestore();
    expect(retry.body).toEqual({ job_id: created.id, replayed: 3, resumed: 0, chunks: 1 });
    await deliver({ type: "import.chunk", job_id: created.id, chunk: 0 });
    const done = await job(created.id);
    expect(done).toMatchObject({ status: "completed", successful: 3, failed: 0 });
    const users = await tenant.listAll("Users", "users");
    expect(users).toHaveLength(3);
    expect(await tenant.listAll("Tickets", "tickets")).toHaveLength(3);
  });

  it("resumes pending leads on retry and says how many", async () => {
    const send = vi.spyOn(env.JOBS, "sendBatch").mockResolvedValue(undefined as never);
    try {
      const created = await createImportJob(env, {
        kind: "bulk",
        source: "generic",
        records: [{ first_name: "P", last_name: "Ending", email: "p@pending-retry.example" }],
        options: JOB_OPTIONS,
        createdBy: "test",
      });
      send.mockClear();
      const retry = await api<{ replayed: number; resumed: number; chunks: number }>(
        `/sync/jobs/${created.id}/retry`,
        { method: "POST", headers: auth },
      );
      expect(retry.status).toBe(202);
      expect(retry.body).toMatchObject({ replayed: 0, resumed: 1, chunks: 1 });
      const sent = send.mock.calls.flatMap(([m]) => [...m].map((x) => x.body));
      expect(sent).toEqual([{ type: "import.chunk", job_id: created.id, chunk: 0 }]);
    } finally {
      send.mockRestore();
    }
  });
});
