import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { captureQueue, deliver } from "../halo-index/drive";
import { api } from "../helpers/api";
import { HaloDirect } from "../helpers/halo-direct";
import type { SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";
import {
  basic,
  calls,
  type Echo,
  fireWebhooksToEcho,
  forward,
  goodAuth,
  nextEchoes,
  receiverPath,
} from "./helpers";

interface ErrorBody {
  error: { code: string; message: string };
}
interface Receipt {
  received: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  ignored: number;
}

let tenant: SandboxTenant;
let auth: Record<string, string>;
let halo: HaloDirect;

beforeAll(async () => {
  ({ tenant, auth } = await tenantApp("inbound-rx"));
  halo = new HaloDirect(tenant);
});

const post = (body: unknown, authorization: string | null = goodAuth(), path = receiverPath()) =>
  api<Receipt & ErrorBody>(path, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      ...(authorization ? { Authorization: authorization } : {}),
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

const event = (objectId: number, event = "ticket status changed") => ({
  id: crypto.randomUUID(),
  event,
  object_id: objectId,
  webhook_id: "53232637-0000-4000-8000-000000000001",
});

async function errors(code: string): Promise<{ message: string; detail: string }[]> {
  const rows = await env.DB.prepare("SELECT message, detail FROM error_log WHERE code = ?")
    .bind(code)
    .all<{ message: string; detail: string }>();
  return rows.results;
}

describe("POST /webhooks/halopsa: authentication", () => {
  it("refuses wrong or missing Basic credentials and a wrong path token with 401", async () => {
    const queue = captureQueue();
    try {
      const cases: [string | null, string][] = [
        [null, receiverPath()],
        [basic(env.HALO_WEBHOOK_USERNAME, "wrong-password"), receiverPath()],
        [basic("someone-else", env.HALO_WEBHOOK_PASSWORD), receiverPath()],
        [`Bearer ${env.HALO_WEBHOOK_PASSWORD}`, receiverPath()],
        [goodAuth(), "/webhooks/halopsa/t/not-the-token"],
        // A path token is configured: the form without it is refused.
        [goodAuth(), "/webhooks/halopsa"],
      ];
      for (const [authorization, path] of cases) {
        const res = await post([event(1)], authorization, path);
        expect(res.status, `${authorization} ${path}`).toBe(401);
        expect(res.body.error.code).toBe("AUTHENTICATION_ERROR");
        expect(res.headers.get("WWW-Authenticate")).toMatch(/^Basic /);
        expect(JSON.stringify(res.body)).not.toContain(env.HALO_WEBHOOK_PASSWORD);
      }
      expect(queue.sent).toHaveLength(0);
    } finally {
      queue.restore();
    }
  });

  it("refuses everything while no password is configured, and takes the tokenless form without a token", async () => {
    const { HALO_WEBHOOK_PASSWORD: password, HALO_WEBHOOK_PATH_TOKEN: token } = env;
    const queue = captureQueue();
    try {
      env.HALO_WEBHOOK_PATH_TOKEN = "";
      const open = await post([event(999_001)], goodAuth(), "/webhooks/halopsa");
      expect(open.status).toBe(200);
      env.HALO_WEBHOOK_PASSWORD = "";
      const off = await post(
        [event(999_002)],
        basic(env.HALO_WEBHOOK_USERNAME, ""),
        "/webhooks/halopsa",
      );
      expect(off.status).toBe(401);
    } finally {
      env.HALO_WEBHOOK_PASSWORD = password;
      env.HALO_WEBHOOK_PATH_TOKEN = token;
      queue.restore();
    }
  });

  it("does not let the subscription routes' admin-key check shadow the receiver", async () => {
    const res = await api("/webhooks", { headers: auth });
    expect(res.status).toBe(200);
  });
});

describe("POST /webhooks/halopsa: what HaloPSA sends", () => {
  it("answers 200 to an authenticated body it cannot read, and logs it", async () => {
    const queue = captureQueue();
    try {
      const notJson = await post("{ not json");
      expect(notJson.status).toBe(200);
      expect(notJson.body).toMatchObject({ accepted: 0, rejected: 1 });
      const noId = await post([{ event: "ticket updated", object_id: 5 }, event(7)]);
      expect(noId.status).toBe(200);
      expect(noId.body).toMatchObject({ received: 2, accepted: 1, rejected: 1 });
      const logged = await errors("HALO_WEBHOOK_MALFORMED");
      expect(logged.map((l) => l.message).join("\n")).toMatch(/not JSON/);
      expect(logged.map((l) => l.message).join("\n")).toMatch(/#0: no delivery id/);
      expect(queue.sent).toHaveLength(1);
    } finally {
      queue.restore();
    }
  });

  it("logs a ticket LeadBridge never wrote, visible in the error log", async () => {
    const queue = captureQueue();
    try {
      const res = await post(event(987_654));
      expect(res.body.accepted).toBe(1);
      const before = await tenant.stats();
      await deliver(queue.sent[0]?.body);
      const after = await tenant.stats();
      expect(calls(before, after, "GET /api/")).toBe(0);
      const logged = await errors("HALO_WEBHOOK_UNKNOWN_TICKET");
      expect(logged.some((l) => l.message.includes("987654"))).toBe(true);
    } finally {
      queue.restore();
    }
  });

  it("applies a batched array of 100 events from the sandbox with one HaloPSA read", async () => {
    // 100 lead tickets as LeadBridge would have written them, then the index row for each.
    await fireWebhooksToEcho(tenant, { batch: true, payload: "full" });
    const seen = (
      (await fetch(`${tenant.baseUrl}/_sandbox/echo`).then((r) => r.json())) as {
        count: number;
      }
    ).count;
    const tag = crypto.randomUUID().slice(0, 8);
    await halo.post(
      "Tickets",
      Array.from({ length: 100 }, (_, i) => ({
        summary: `Batch ${tag} ${i}`,
        tickettype_id: 1,
        status_id: 2, // Researching
      })),
    );
    const [sent] = await nextEchoes(tenant, seen);
    const echo = sent as Echo;
    const payloads = JSON.parse(echo.raw) as { object_id: number }[];
    expect(payloads).toHaveLength(100);
    const now = new Date().toISOString();
    const statements = payloads.map((p, i) =>
      env.DB.prepare(
        `INSERT INTO leads (id, dedup_key, dedup_kind, stage, status, quality_score, source, sources, lists, halo_ticket_id, canonical, written, updated_at)
         VALUES (?, ?, 'email', 'lead', 'new_lead', 50, 'generic', '["generic"]', '[]', ?, '{}', '{}', ?)`,
      ).bind(
        `ld_${tag}${String(i).padStart(18, "0")}`,
        `email:batch-${tag}-${i}@example.com`,
        p.object_id,
        now,
      ),
    );
    await env.DB.batch(statements);

    const queue = captureQueue();
    try {
      const res = await forward(echo);
      expect(res.body).toMatchObject({ received: 100, accepted: 100 });
      expect(queue.sent).toHaveLength(1);
      const before = await tenant.stats();
      await deliver(queue.sent[0]?.body);
      const after = await tenant.stats();
      expect(calls(before, after, "GET /api/")).toBeLessThanOrEqual(2);
      expect(calls(before, after, "GET /api/tickets")).toBe(1);
      expect(calls(before, after, "POST /api/")).toBe(0);
    } finally {
      queue.restore();
    }
    const moved = await env.DB.prepare(
      "SELECT count(*) AS n FROM leads WHERE id LIKE ? AND status = 'researching'",
    )
      .bind(`ld_${tag}%`)
      .first<{ n: number }>();
    expect(moved?.n).toBe(100);
  });
});
