import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { database } from "../../src/db/client";
import { webhookSubscriptions } from "../../src/db/schema";
import { newId } from "../../src/ids";
import worker from "../../src/index";
import { generateSecret } from "../../src/webhooks/signing";
import vectorFile from "../fixtures/ssrf-url-vectors.json";
import { api } from "../helpers/api";
import { bearer, issueKey } from "../helpers/keys";
import { captureDeliveries, deliver, deliveryRows } from "./helpers";

// Production settings: no local-http flag, and the service's own public host. The registering
// request is sent to that host, so a URL pointing back at it is a loop.
const SELF = "your-middleware.workers.dev";
const PROD_ENV = { ...env, ALLOW_LOCAL_HTTP: "false", SELF_HOSTS: SELF } as Env;

let key: string;
let capture: ReturnType<typeof captureDeliveries>;

beforeAll(async () => {
  key = await issueKey(["admin"]);
});
beforeEach(() => {
  vi.restoreAllMocks();
  capture = captureDeliveries();
});

async function register(url: string) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`https://${SELF}/api/v1/webhooks`, {
      method: "POST",
      headers: { ...bearer(key), "Content-Type": "application/json" },
      body: JSON.stringify({ url, events: ["ping"] }),
    }),
    PROD_ENV,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("endpoint URLs are checked at registration", () => {
  it.each(vectorFile.vectors)("$input → $expected ($reason)", async (vector) => {
    const res = await register(vector.input);
    if (vector.expected === "allow") {
      expect(res.status).toBe(201);
    } else {
      expect(res.status).toBe(400);
      const error = res.body.error as { code: string; details: { field: string; reason: string } };
      expect(error.code).toBe("VALIDATION_ERROR");
      expect(error.details.field).toBe("url");
      expect(error.details.reason.length).toBeGreaterThan(0);
    }
  });

  it("checks a changed URL too", async () => {
    const created = await register("https://hooks.example.com/ok");
    const res = await api<{ error: { details: { field: string } } }>(
      `/webhooks/${created.body.id}`,
      { method: "PATCH", headers: bearer(key), json: { url: "https://169.254.169.254/" } },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details.field).toBe("url");
  });
});

describe("endpoint URLs are checked again at every delivery", () => {
  it("sends to allowed URLs only; a refused one fails with the reason and no request", async () => {
    const db = database(env.DB);
    const now = new Date().toISOString();
    // Stored directly, as if the rules tightened (or a name changed) after registration.
    const subs = await Promise.all(
      vectorFile.vectors.map(async (v) => {
        const [row] = await db
          .insert(webhookSubscriptions)
          .values({
            id: newId("wh"),
            url: v.input,
            events: ["ping"],
            secret: generateSecret(),
            createdBy: "test",
            updatedAt: now,
          })
          .returning();
        if (!row) throw new Error("subscription insert returned nothing");
        return row;
      }),
    );
    const ids: string[] = [];
    for (const sub of subs) {
      const res = await api<{ delivery_id: string }>(`/webhooks/${sub.id}/test`, {
        method: "POST",
        headers: bearer(key),
      });
      expect(res.status).toBe(202);
      ids.push(res.body.delivery_id);
    }
    const fetched: string[] = [];
    await deliver(ids, {
      env: PROD_ENV,
      deps: {
        fetch: async (input) => {
          fetched.push(String(input));
          return new Response("ok", { status: 200 });
        },
      },
    });
    for (const [i, vector] of vectorFile.vectors.entries()) {
      const sub = subs[i];
      if (!sub) throw new Error("missing subscription");
      const [row] = await deliveryRows(sub.id);
      if (vector.expected === "allow") {
        expect(row?.status, vector.input).toBe("succeeded");
      } else {
        expect(row?.status, vector.input).toBe("failed");
        expect(row?.last_error, vector.input).toContain("refused by the URL guard");
      }
    }
    const allowed = vectorFile.vectors.filter((v) => v.expected === "allow");
    expect(fetched).toHaveLength(allowed.length);
    expect(capture.sent).toHaveLength(ids.length);
  });
});
