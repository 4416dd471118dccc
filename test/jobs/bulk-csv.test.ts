import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { sleep } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";

interface Accepted {
  job_id: string;
  total: number;
  chunks: number;
}
interface Job {
  status: string;
  total: number;
  by_action: Record<string, number>;
  errors: { index: number; error: string }[];
}
interface ErrorBody {
  error: { code: string; details: { field: string } };
}

let auth: Record<string, string>;

beforeAll(async () => {
  ({ auth } = await tenantApp("bulk-csv"));
});

function upload(csv: string | ReadableStream, query = "?source=apollo", type = "text/csv") {
  return api<Accepted & ErrorBody>(`/sync/leads/bulk${query}`, {
    method: "POST",
    headers: { ...auth, "Content-Type": type },
    body: csv,
  });
}

async function waitForJob(id: string): Promise<Job> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await api<Job>(`/sync/jobs/${id}`, { headers: auth });
    if (res.body.status.startsWith("completed")) return res.body;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${res.body.status}`);
    await sleep(250);
  }
}

async function jobCount(): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM jobs").first<{ n: number }>();
  return row?.n ?? 0;
}

describe("POST /sync/leads/bulk with text/csv", () => {
  it("imports an Apollo people export streamed in pieces, rejecting the invalid rows", async () => {
    const header =
      '"First Name","Last Name","Title","Company","Email","Email Status","Person Linkedin Url",' +
      '"Website","# Employees","City","Country","Corporate Phone"\n';
    const rows = Array.from({ length: 250 }, (_, i) =>
      i % 50 === 7
        ? `Bad${i},Row${i},CTO,"Acme ${i}, Inc.",not-an-email,Unavailable,,,10,Paris,France,\n`
        : `Ada${i},Csv${i},CTO,"Acme ${i}, Inc.",ada${i}@acme${i}.example,Verified,` +
          `http://www.linkedin.com/in/ada${i},http://www.acme${i}.example,120,Paris,France,+33 1 23 45 67 ${String(i % 100).padStart(2, "0")}\n`,
    );
    const bytes = new TextEncoder().encode(header + rows.join(""));
    // Split mid-row (and mid-quote) to prove rows are reassembled across body chunks.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 777) controller.enqueue(bytes.slice(i, i + 777));
        controller.close();
      },
    });
    const res = await upload(body);
    expect(res.status).toBe(202);
    expect(res.body.total).toBe(250);
    expect(res.body.chunks).toBe(3);
    const job = await waitForJob(res.body.job_id);
    expect(job.total).toBe(250);
    expect(job.by_action.rejected).toBe(5);
    expect(job.by_action.created).toBe(245);
    expect(job.errors.map((e) => e.index)).toEqual([7, 57, 107, 157, 207]);
    expect(job.errors[0]?.error).toContain("email");
  });

  it("needs ?source= and an identifying column, and keeps nothing when it refuses", async () => {
    const before = await jobCount();
    const noSource = await upload("email\nx@y.example\n", "");
    expect(noSource.status).toBe(400);
    expect(noSource.body.error.details.field).toBe("source");
    const noIdentity = await upload("Company,City\nAcme,Paris\n", "?source=generic");
    expect(noIdentity.status).toBe(400);
    expect(noIdentity.body.error.details.field).toBe("header");
    const broken = await upload('email,first_name\n"a@b.example,Ann\n', "?source=generic");
    expect(broken.status).toBe(400);
    expect(broken.body.error.details.field).toBe("body");
    const empty = await upload("email,first_name\n", "?source=generic");
    expect(empty.status).toBe(400);
    expect(await jobCount()).toBe(before);
  });

  it("refuses more than 10,000 rows with 413 and removes the partial job", async () => {
    const before = await jobCount();
    const rows = Array.from({ length: 10_001 }, (_, i) => `p${i}@many.example\n`).join("");
    const res = await upload(`email\n${rows}`, "?source=generic");
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(await jobCount()).toBe(before);
  });

  it("is documented: both media types, the source parameter and every status", async () => {
    const doc = await api<{
      paths: Record<string, { post: Record<string, unknown> }>;
    }>("/openapi.json");
    const op = doc.body.paths["/api/v1/sync/leads/bulk"]?.post as {
      requestBody: { content: Record<string, unknown> };
      parameters: { name: string; in: string }[];
      responses: Record<string, unknown>;
    };
    expect(Object.keys(op.requestBody.content).sort()).toEqual(["application/json", "text/csv"]);
    expect(op.parameters).toContainEqual(expect.objectContaining({ name: "source", in: "query" }));
    expect(Object.keys(op.responses).sort()).toEqual(
      ["202", "400", "401", "403", "409", "413", "415", "422", "429", "500"].sort(),
    );
  });

  it("still refuses other media types with 415", async () => {
    const res = await upload("<x/>", "?source=generic", "text/xml");
    expect(res.status).toBe(415);
    const csvElsewhere = await api<ErrorBody>("/sync/leads", {
      method: "POST",
      headers: { ...auth, "Content-Type": "text/csv" },
      body: "email\na@b.example\n",
    });
    expect(csvElsewhere.status).toBe(415);
  });
});
