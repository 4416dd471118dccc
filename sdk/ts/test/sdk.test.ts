import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  HaloIntegration,
  type JobSummary,
  LeadBridgeError,
  NotFoundError,
  RateLimitError,
  ValidationError,
  WebhookVerificationError,
} from "../src/index.js";

const stack = inject("stack");
const client = new HaloIntegration({ apiKey: stack.key, baseUrl: stack.api });
const ROOT = path.resolve(import.meta.dirname, "../../..");

describe("the seed's JavaScript example", () => {
  it("runs as written with only the package name changed (built CommonJS package)", () => {
    const seed = readFileSync(path.join(import.meta.dirname, "fixtures/seed-example.js"), "utf8");
    const example = seed
      .replace("@halopsa/integration-sdk", "@leadbridge/sdk")
      .replace("your_api_key", stack.key)
      .replace("https://your-domain.com/api/v1", stack.api);
    // The seed's snippet awaits at top level (REPL style); a CommonJS file needs it wrapped.
    const script = `(async () => {\n${example}\nconsole.log(JSON.stringify(result));\n})().catch((e) => { console.error(e); process.exit(1); });\n`;
    const file = path.join(mkdtempSync(path.join(tmpdir(), "seed-example-")), "example.cjs");
    writeFileSync(file, script);
    const run = spawnSync(process.execPath, [file], {
      encoding: "utf8",
      env: { ...process.env, NODE_PATH: path.join(ROOT, "node_modules") },
    });
    expect(run.stderr).toBe("");
    const result = JSON.parse(run.stdout);
    expect(result.success).toBe(true);
    expect(result.lead_id).toMatch(/^ld_/);
  });
});

describe("HaloIntegration against the running service", () => {
  it("syncs a flat lead with its source", async () => {
    const result = await client.leads.sync({
      first_name: "Grace",
      last_name: "Hopper",
      email: "grace.hopper@navy-sdk.example",
      company: "Navy SDK",
      source: "zoominfo",
    });
    expect(result.success).toBe(true);
    expect(result.action).toBe("created");
    expect(result.halopsa.ticket_id).toEqual(expect.any(Number));
    const again = await client.leads.sync({
      source: "zoominfo",
      data: { first_name: "Grace", last_name: "Hopper", email: "grace.hopper@navy-sdk.example" },
    });
    expect(again.lead_id).toBe(result.lead_id);
  });

  it("runs a bulk import to the end, reporting progress", async () => {
    const leads = Array.from({ length: 250 }, (_, i) => ({
      first_name: `Bulk${i}`,
      last_name: "Sdk",
      email: i === 17 ? "broken@" : `bulk${i}@bulk-sdk${i % 7}.example`,
      company: `Bulk Sdk ${i % 7}`,
    }));
    const seen: JobSummary[] = [];
    const job = await client.leads.bulk(leads, {
      source: "generic",
      pollIntervalMs: 200,
      onProgress: ({ job: j, fraction }) => {
        expect(fraction).toBeGreaterThanOrEqual(0);
        expect(fraction).toBeLessThanOrEqual(1);
        seen.push(j);
      },
    });
    expect(job.status).toBe("completed_with_errors");
    expect(job.total).toBe(250);
    expect(job.by_action.created).toBe(249);
    expect(job.errors.map((e) => e.index)).toEqual([17]);
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen.at(-1)?.processed).toBe(250);
    // Progress never goes backwards.
    const processed = seen.map((j) => j.processed);
    expect(processed).toEqual([...processed].sort((a, b) => a - b));
  });

  it("uploads a CSV file as one job", async () => {
    const csv =
      "Email address,First name,Last name,Organization,Domain name\nada@csv-sdk.example,Ada,Lovelace,Csv Sdk,csv-sdk.example\n";
    const accepted = await client.leads.uploadCsv(csv, { source: "hunter" });
    expect(accepted.total).toBe(1);
    const job = await client.jobs.wait(accepted.job_id, { pollIntervalMs: 200 });
    expect(job.by_action.created).toBe(1);
  });

  it("carries a lead through convert, qualification and an opportunity to won", async () => {
    const synced = await client.leads.sync({
      source: "generic",
      first_name: "Katherine",
      last_name: "Johnson",
      email: "katherine@orbit-sdk.example",
      company: "Orbit Sdk",
      website: "https://orbit-sdk.example",
    });
    const id = synced.lead_id;
    if (!id) throw new Error(`not imported: ${JSON.stringify(synced)}`);
    for (const status of ["researching", "contacted", "engaged"] as const) {
      const moved = await client.leads.setStatus(id, { status, reason: "sdk test" });
      expect(moved.to).toEqual({ stage: "lead", status });
    }
    // A lead cannot skip to a prospect's states: a typed conflict listing what is allowed.
    const early = await client.leads.setStatus(id, { status: "new_lead" }).catch((e) => e);
    expect(early).toBeInstanceOf(LeadBridgeError);
    expect(early.status).toBe(409);

    const converted = await client.prospects.convert(id, {
      qualification_data: {
        pain_points: "Patch backlog",
        qualified_services: "Managed patching",
        decision_maker: true,
        budget_range: "20000-40000",
        timeframe: "Q1",
        fit_score: 82,
      },
    });
    expect(converted.to).toEqual({ stage: "prospect", status: "new_prospect" });
    expect(converted.halopsa.ticket_id).toBeGreaterThan(0);
    await client.prospects.setStatus(id, { status: "prospecting" });
    const qualified = await client.prospects.setStatus(id, { status: "qualified" });
    expect(qualified.to).toEqual({ stage: "prospect", status: "qualified" });

    const opened = await client.opportunities.create({
      prospect_id: id,
      opportunity_data: {
        value: 30000,
        probability: 60,
        expected_close_date: "2027-03-31",
        products_services: "Managed patching",
      },
    });
    expect(opened.to).toEqual({ stage: "opportunity", status: "new_opportunity" });
    for (const status of ["progressing", "negotiation"] as const) {
      await client.opportunities.update(id, { status });
    }
    const won = await client.opportunities.update(id, { status: "won", reason: "Signed" });
    expect(won.to).toEqual({ stage: "opportunity", status: "won" });
    expect((await client.opportunities.get(id)).status).toBe("won");
  });

  it("surfaces prospects.convert's 404 for an unknown lead as a typed error", async () => {
    const err = await client.prospects
      .convert("ld_00000000000000000000000000", { qualification_data: { fit_score: 85 } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toBeInstanceOf(LeadBridgeError);
    expect(err.status).toBe(404);
    expect(err.code).toBe("RESOURCE_NOT_FOUND");
    expect(err.requestId).toEqual(expect.any(String));
  });

  it("surfaces an API error with its code, field and the request id the service logged", async () => {
    let headerId: string | null = null;
    const spying = new HaloIntegration({
      apiKey: stack.key,
      baseUrl: stack.api,
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        headerId = res.headers.get("X-Request-Id");
        return res;
      },
    });
    const err = await spying.leads
      .sync({ source: "generic", email: "not-an-email" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    const e = err as ValidationError;
    expect(e.code).toBe("VALIDATION_ERROR");
    expect(e.status).toBe(400);
    expect(e.details?.field).toEqual(expect.stringContaining("email"));
    expect(e.requestId).not.toBeNull();
    expect(e.requestId).toBe(headerId);
    expect(e.toJSON().error.request_id).toBe(headerId);

    const unauth = new HaloIntegration({ apiKey: "lb_wrong", baseUrl: stack.api });
    await expect(unauth.jobs.list()).rejects.toMatchObject({
      status: 401,
      code: "AUTHENTICATION_ERROR",
    });
  });

  it("adds suppressions, lists jobs and creates keys", async () => {
    const s = await client.suppressions.add("+44 20 7946 0958", {
      reason: "sdk test",
      default_country: "GB",
    });
    expect(s.kind).toBe("phone");
    const { jobs } = await client.jobs.list({ limit: 5 });
    expect(jobs.length).toBeGreaterThan(0);
    const key = await client.keys.create({ name: "sdk test", scopes: ["read"] });
    const reader = new HaloIntegration({ apiKey: key.key, baseUrl: stack.api });
    expect((await reader.health()).status).toMatch(/healthy|degraded/);
    await expect(
      reader.leads.sync({ source: "generic", email: "x@y.example" }),
    ).rejects.toMatchObject({
      code: "AUTHORIZATION_ERROR",
    });
  });
});

describe("webhooks.verify (Standard Webhooks)", () => {
  // The signature comes from the reference implementation (the standardwebhooks package), not
  // from the SDK's own signer, so a shared misunderstanding of the spec cannot pass.
  const secret = `whsec_${Buffer.from("a 32-byte secret for sdk tests!!").toString("base64")}`;
  const payload = JSON.stringify({ type: "lead.created", data: { lead_id: "ld_1" } });

  it("accepts a delivery signed by the reference implementation and returns its body", async () => {
    const at = new Date();
    const signature = new Webhook(secret).sign("msg_1", at, payload);
    const headers = {
      "webhook-id": "msg_1",
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": `v1,bogus v1,${signature.split(",")[1]}`,
    };
    const body = await client.webhooks.verify<{ type: string }>(payload, headers, secret);
    expect(body.type).toBe("lead.created");
    await expect(
      client.webhooks.verify(payload, new Headers(headers), secret),
    ).resolves.toMatchObject({ data: { lead_id: "ld_1" } });
  });

  it("refuses a tampered body, a wrong secret and an old timestamp", async () => {
    const at = new Date();
    const headers = {
      "webhook-id": "msg_2",
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": new Webhook(secret).sign("msg_2", at, payload),
    };
    await expect(client.webhooks.verify(`${payload} `, headers, secret)).rejects.toBeInstanceOf(
      WebhookVerificationError,
    );
    const other = `whsec_${Buffer.from("another secret, also 32 bytes!!!").toString("base64")}`;
    await expect(client.webhooks.verify(payload, headers, other)).rejects.toThrow(/signature/);
    await expect(
      client.webhooks.verify(payload, headers, secret, { now: new Date(at.getTime() + 600_000) }),
    ).rejects.toThrow(/too old/);
  });
});

describe("the service's own rate limit", () => {
  it("answers a second concurrent sync 429 with Retry-After, and the SDK waits and re-sends it", async () => {
    const created = await client.keys.create({
      name: "sdk-one-sync-at-a-time",
      scopes: ["write"],
      rate_limits: { concurrent_syncs: 1 },
    });
    const retries: { delayMs: number; status: number | null }[] = [];
    const limited = new HaloIntegration({
      apiKey: created.key,
      baseUrl: stack.api,
      onRetry: ({ delayMs, status }) => retries.push({ delayMs, status }),
    });
    const person = (n: number) => ({
      source: "generic" as const,
      first_name: "Limit",
      last_name: `Tester${n}`,
      email: `limit.tester${n}@sdk-limits.example`,
      company: "SDK Limits Ltd",
    });
    const results = await Promise.all([1, 2, 3].map((n) => limited.leads.sync(person(n))));
    expect(results.map((r) => r.action)).toEqual(["created", "created", "created"]);
    // One sync at a time: the others were refused with 429 and re-sent after its Retry-After.
    expect(retries.length).toBeGreaterThan(0);
    for (const r of retries) {
      expect(r.status).toBe(429);
      expect(r.delayMs).toBeGreaterThanOrEqual(1000);
    }
  });
});

describe("retries (a local stub server scripts the answers)", () => {
  let server: Server;
  let base: string;
  const seen: { key: string | undefined; at: number }[] = [];
  let script:
    | ((n: number, req: IncomingMessage) => { status: number; headers?: Record<string, string> })
    | null = null;

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ key: req.headers["idempotency-key"] as string | undefined, at: Date.now() });
      const step = script?.(seen.length, req) ?? { status: 200 };
      const body =
        step.status === 200
          ? { success: true, action: "created", lead_id: "ld_stub" }
          : {
              error: {
                code: "RATE_LIMIT_EXCEEDED",
                message: "slow down",
                details: null,
                timestamp: "",
                request_id: `req_${seen.length}`,
              },
            };
      res.writeHead(step.status, {
        "content-type": "application/json",
        "x-request-id": `req_${seen.length}`,
        ...step.headers,
      });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("waits the Retry-After of a 429 and re-sends the POST with the same Idempotency-Key", async () => {
    seen.length = 0;
    script = (n) => (n === 1 ? { status: 429, headers: { "retry-after": "1" } } : { status: 200 });
    const c = new HaloIntegration({ apiKey: "k", baseUrl: base });
    const result = await c.leads.sync({ source: "generic", email: "a@b.example" });
    expect(result.lead_id).toBe("ld_stub");
    expect(seen).toHaveLength(2);
    expect(seen[0]?.key).toMatch(/^sdk-/);
    expect(seen[1]?.key).toBe(seen[0]?.key);
    expect((seen[1]?.at ?? 0) - (seen[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it("caps the wait and the attempts, then throws a RateLimitError with the envelope", async () => {
    seen.length = 0;
    script = (n) => ({ status: n % 2 ? 429 : 503, headers: { "retry-after": "3600" } });
    const delays: number[] = [];
    const c = new HaloIntegration({
      apiKey: "k",
      baseUrl: base,
      maxRetries: 2,
      maxRetryDelayMs: 20,
      onRetry: ({ delayMs }) => delays.push(delayMs),
    });
    const started = Date.now();
    const err = await c.leads.sync({ source: "generic", email: "a@b.example" }).catch((e) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(delays).toEqual([20, 20]);
    expect(seen).toHaveLength(3);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.code).toBe("RATE_LIMIT_EXCEEDED");
    expect(err.retryAfter).toBe(3600);
    expect(err.requestId).toBe("req_3");
  });
});
