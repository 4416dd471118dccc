import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import type { SandboxTenant } from "../helpers/sandbox";
import { sleep } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";

interface Job {
  job_id: string;
  status: string;
  total: number;
  total_processed: number;
  pending: number;
  successful: number;
  failed: number;
  rejected: number;
  by_action: Record<string, number>;
  results: { index: number; success: boolean; action: string; lead_id: string | null }[];
  errors: { index: number; error: string }[];
}

let tenant: SandboxTenant;
let auth: Record<string, string>;

beforeAll(async () => {
  ({ tenant, auth } = await tenantApp("bulk"));
});

function person(i: number, company = i) {
  return {
    first_name: `Person${i}`,
    last_name: `Bulk${i}`,
    email: `person${i}@company${company}.example`,
    company: `Company ${company}`,
    website: `company${company}.example`,
  };
}

async function waitForJob(id: string, timeoutMs = 60_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api<Job>(`/sync/jobs/${id}`, { headers: auth });
    if (res.body.status === "completed" || res.body.status === "completed_with_errors")
      return res.body;
    if (Date.now() > deadline) {
      const errors = await env.DB.prepare(
        "SELECT code, substr(message, 1, 300) AS message FROM error_log ORDER BY id DESC LIMIT 3",
      ).all();
      throw new Error(
        `job ${id} still ${res.body.status}: ${JSON.stringify(res.body.by_action)} ${JSON.stringify(errors.results)}`,
      );
    }
    await sleep(250);
  }
}

describe("POST /sync/leads/bulk", () => {
  it("refuses 10,001 leads with 413 and a clear message", async () => {
    const res = await api<{ error: { code: string; message: string; details: { field: string } } }>(
      "/sync/leads/bulk",
      {
        method: "POST",
        headers: auth,
        json: { source: "generic", leads: Array.from({ length: 10_001 }, () => ({})) },
      },
    );
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(res.body.error.details.field).toBe("leads");
    expect(res.body.error.message).toContain("10000");
  });

  it("refuses the whole request when continue_on_error is false and a lead is invalid", async () => {
    const res = await api<{ error: { details: { field: string } } }>("/sync/leads/bulk", {
      method: "POST",
      headers: auth,
      json: {
        source: "generic",
        leads: [person(1), { first_name: "x", last_name: "y", email: "broken@" }],
        batch_options: { continue_on_error: false },
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.field).toBe("leads.1.email");
    const jobs = await env.DB.prepare("SELECT count(*) AS n FROM jobs").first<{ n: number }>();
    expect(jobs?.n).toBe(0);
  });

  it("imports a chunked job through the queue with exact totals and one array POST per entity per chunk", {
    timeout: 90_000,
  }, async () => {
    // 230 people at 115 companies (two per company), one duplicate and two invalid records.
    const leads: unknown[] = Array.from({ length: 230 }, (_, i) => person(i, Math.floor(i / 2)));
    leads.push({ ...person(7, 3), email: " PERSON7@Company3.example " });
    leads.push({ first_name: "No", last_name: "Identity" });
    leads.push({ first_name: "Bad", last_name: "Mail", email: "bad@", company: "X" });
    const before = await tenant.stats();
    const res = await api<{ job_id: string; status_url: string; chunks: number }>(
      "/sync/leads/bulk",
      {
        method: "POST",
        headers: auth,
        json: { source: "generic", leads },
      },
    );
    expect(res.status).toBe(202);
    expect(res.body.chunks).toBe(3);
    const job = await waitForJob(res.body.job_id);
    expect(job.total).toBe(233);
    expect(job.total_processed).toBe(233);
    expect(job.pending).toBe(0);
    expect(job.by_action.created).toBe(230);
    expect(job.by_action.rejected).toBe(2);
    expect(
      (job.by_action.updated ?? 0) + (job.by_action.preserved ?? 0) + (job.by_action.merged ?? 0),
    ).toBe(1);
    expect(job.failed).toBe(0);
    expect(job.rejected).toBe(2);
    expect(job.errors.map((e) => e.index).sort((a, b) => a - b)).toEqual([231, 232]);
    expect(job.results).toHaveLength(233);

    const after = await tenant.stats();
    const posts = (route: string) =>
      (after.requests_by_route[route] ?? 0) - (before.requests_by_route[route] ?? 0);
    // Three chunks: at most one POST per entity per chunk.
    expect(posts("POST /api/users")).toBeLessThanOrEqual(3);
    expect(posts("POST /api/tickets")).toBeLessThanOrEqual(3);
    expect(posts("POST /api/client")).toBeLessThanOrEqual(3);
    const users = await tenant.listAll("Users", "users");
    const emails = users.map((u) => String(u.emailaddress).toLowerCase());
    expect(new Set(emails).size).toBe(emails.length);
    expect(emails.length).toBe(230);
    const clients = await tenant.listAll("Client", "clients");
    expect(clients.length).toBe(115);
  });

  it("lists recent jobs", async () => {
    const res = await api<{ jobs: { job_id: string }[] }>("/sync/jobs", { headers: auth });
    expect(res.status).toBe(200);
    expect(res.body.jobs.length).toBeGreaterThanOrEqual(1);
  });
});
