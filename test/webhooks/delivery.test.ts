import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { MINUTE_CRON } from "../../src/jobs/cron";
import { importContext } from "../../src/pipeline/context";
import { importLeads } from "../../src/pipeline/import-leads";
import { DEFAULT_IMPORT_OPTIONS } from "../../src/pipeline/options";
import {
  DELIVERIES_DLQ,
  dispatchOutbox,
  kickOutbox,
  sweepWebhooks,
} from "../../src/webhooks/dispatch";
import { RETRY_SCHEDULE_SECONDS } from "../../src/webhooks/schedule";
import { api } from "../helpers/api";
import { SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";
import { captureDeliveries, deliver, deliveryRows, echoes, echoUrl, subscribe } from "./helpers";

let auth: Record<string, string>;
let capture: ReturnType<typeof captureDeliveries>;

beforeAll(async () => {
  ({ auth } = await tenantApp("webhooks"));
});

beforeEach(() => {
  vi.restoreAllMocks();
  capture = captureDeliveries();
});

const person = (n: string) => ({
  first_name: "Grace",
  last_name: `Hopper${n}`,
  email: `grace.${n}@navy-${n}.example`,
  company: `Navy Labs ${n}`,
  website: `https://navy-${n}.example`,
});

async function ping(subscriptionId: string): Promise<string> {
  const res = await api<{ delivery_id: string }>(`/webhooks/${subscriptionId}/test`, {
    method: "POST",
    headers: auth,
  });
  expect(res.status).toBe(202);
  return res.body.delivery_id;
}

describe("webhook delivery", () => {
  it("delivers a signed lead.created that the standardwebhooks library verifies", async () => {
    const echo = new SandboxTenant("echo-created");
    const sub = await subscribe(auth, { url: echoUrl(echo), events: ["lead.created"] });
    const other = await subscribe(auth, { url: echoUrl(echo), events: ["contact.suppressed"] });
    const res = await api<{ lead_id: string; action: string }>("/sync/leads", {
      method: "POST",
      headers: auth,
      json: { source: "generic", data: person("created") },
    });
    expect(res.body.action).toBe("created");
    await dispatchOutbox(env);

    const rows = await deliveryRows(sub.id);
    expect(rows).toHaveLength(1);
    expect(await deliveryRows(other.id)).toHaveLength(0);
    await deliver(rows.map((r) => r.id));

    const [received, ...more] = await echoes(echo);
    expect(more).toHaveLength(0);
    if (!received) throw new Error("nothing delivered");
    const verified = new Webhook(sub.secret).verify(received.raw, received.headers) as {
      id: string;
      type: string;
      data: { lead_id: string; halopsa: { ticket_id: number } };
    };
    expect(verified.type).toBe("lead.created");
    expect(verified.data.lead_id).toBe(res.body.lead_id);
    expect(verified.data.halopsa.ticket_id).toBeGreaterThan(0);
    expect(received.headers["webhook-id"]).toBe(verified.id);
    expect(received.headers["content-type"]).toBe("application/json");
    expect(() => new Webhook(other.secret).verify(received.raw, received.headers)).toThrow();
    expect((await deliveryRows(sub.id))[0]?.status).toBe("succeeded");
  });

  it("signs with both secrets during a rotation's overlap, then with the new one only", async () => {
    const echo = new SandboxTenant("echo-rotate");
    const sub = await subscribe(auth, { url: echoUrl(echo), events: ["ping"] });
    const rotated = await api<{ secret: string; previous_secret_expires_at: string }>(
      `/webhooks/${sub.id}/rotate-secret`,
      { method: "POST", headers: auth, json: { overlap_seconds: 3600 } },
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(sub.secret);
    expect(rotated.body.previous_secret_expires_at).not.toBeNull();

    await deliver([await ping(sub.id)]);
    const [during] = await echoes(echo);
    if (!during) throw new Error("nothing delivered");
    expect(during.headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    expect(new Webhook(rotated.body.secret).verify(during.raw, during.headers)).toMatchObject({
      type: "ping",
    });
    expect(new Webhook(sub.secret).verify(during.raw, during.headers)).toMatchObject({
      type: "ping",
    });

    // A rotation without overlap retires the old secret at once.
    const again = await api<{ secret: string }>(`/webhooks/${sub.id}/rotate-secret`, {
      method: "POST",
      headers: auth,
      json: { overlap_seconds: 0 },
    });
    await deliver([await ping(sub.id)]);
    const after = (await echoes(echo))[1];
    if (!after) throw new Error("nothing delivered");
    expect(after.headers["webhook-signature"]?.split(" ")).toHaveLength(1);
    expect(new Webhook(again.body.secret).verify(after.raw, after.headers)).toBeTruthy();
    expect(() => new Webhook(rotated.body.secret).verify(after.raw, after.headers)).toThrow();
  });

  it("retries a 500 on the backoff schedule, dead-letters it as failed, and a replay succeeds", async () => {
    const echo = new SandboxTenant("echo-500");
    await echo.knobs({ echo_status: 500 });
    const sub = await subscribe(auth, { url: echoUrl(echo), events: ["ping"] });
    const id = await ping(sub.id);
    expect(capture.take()).toEqual([id]);

    for (const [i, base] of RETRY_SCHEDULE_SECONDS.entries()) {
      const result = await deliver([id], { attempts: i + 1 });
      // random() = 0.5 puts the jitter at zero: exactly the schedule.
      expect(result.retryDelays).toEqual([base]);
      const [row] = await deliveryRows(sub.id);
      expect(row).toMatchObject({ status: "pending", attempts: i + 1, last_status_code: 500 });
    }
    // The schedule is spent: failed in D1, and the message is retried once more so Queues
    // (max_retries = 7) moves it to the dead-letter queue.
    const last = await deliver([id], { attempts: RETRY_SCHEDULE_SECONDS.length + 1 });
    expect(last.retryDelays).toEqual([null]);
    expect((await deliveryRows(sub.id))[0]).toMatchObject({
      status: "failed",
      attempts: RETRY_SCHEDULE_SECONDS.length + 1,
    });
    expect((await deliveryRows(sub.id))[0]?.last_error).toContain("retries exhausted");

    const dead = await deliver([id], { queue: DELIVERIES_DLQ });
    expect(dead.explicitAcks).toHaveLength(0);
    expect(dead.ackAll).toBe(true);
    const logged = await env.DB.prepare(
      "SELECT count(*) AS n FROM error_log WHERE code = 'WEBHOOK_DEAD_LETTER'",
    ).first<{ n: number }>();
    expect(logged?.n).toBeGreaterThan(0);

    const received = await echoes(echo);
    expect(received).toHaveLength(RETRY_SCHEDULE_SECONDS.length + 1);
    expect(new Set(received.map((r) => r.headers["webhook-id"])).size).toBe(1);

    const log = await api<{
      deliveries: {
        id: string;
        status: string;
        log: { status_code: number; latency_ms: number; response: string }[];
      }[];
    }>(`/webhooks/${sub.id}/deliveries`, { headers: auth });
    expect(log.status).toBe(200);
    expect(log.body.deliveries[0]?.status).toBe("failed");
    expect(log.body.deliveries[0]?.log).toHaveLength(RETRY_SCHEDULE_SECONDS.length + 1);
    expect(log.body.deliveries[0]?.log[0]).toMatchObject({ status_code: 500 });
    expect(log.body.deliveries[0]?.log[0]?.response).toContain('"ok":false');
    expect(log.body.deliveries[0]?.log[0]?.latency_ms).toBeGreaterThanOrEqual(0);

    // The receiver recovers; a replay sends the same event again, freshly signed.
    await echo.knobs({ echo_status: 200 });
    const replay = await api(`/webhooks/${sub.id}/deliveries/${id}/replay`, {
      method: "POST",
      headers: auth,
    });
    expect(replay.status).toBe(202);
    expect(capture.take()).toEqual([id]);
    const ok = await deliver([id]);
    expect(ok.explicitAcks).toHaveLength(1);
    const spent = RETRY_SCHEDULE_SECONDS.length + 1;
    expect((await deliveryRows(sub.id))[0]).toMatchObject({
      status: "succeeded",
      attempts: spent + 1,
    });
    const final = (await echoes(echo))[spent];
    if (!final) throw new Error("replay not delivered");
    expect(new Webhook(sub.secret).verify(final.raw, final.headers)).toMatchObject({
      type: "ping",
    });

    // Replaying a delivery that succeeded is allowed; one still pending is not.
    const again = await api(`/webhooks/${sub.id}/deliveries/${id}/replay`, {
      method: "POST",
      headers: auth,
    });
    expect(again.status).toBe(202);
    const twice = await api<{ error: { code: string } }>(
      `/webhooks/${sub.id}/deliveries/${id}/replay`,
      { method: "POST", headers: auth },
    );
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe("CONFLICT");
  });

  it("replays every failed delivery since a time", async () => {
    const echo = new SandboxTenant("echo-since");
    await echo.knobs({ echo_status: 503 });
    const sub = await subscribe(auth, { url: echoUrl(echo), events: ["ping"] });
    const before = new Date(Date.now() - 1000).toISOString();
    const ids = [await ping(sub.id), await ping(sub.id)];
    await deliver(ids, { attempts: RETRY_SCHEDULE_SECONDS.length + 1 });
    expect((await deliveryRows(sub.id)).map((r) => r.status)).toEqual(["failed", "failed"]);
    capture.take();

    await echo.knobs({ echo_status: 200 });
    const res = await api<{ replayed: number }>(`/webhooks/${sub.id}/replay`, {
      method: "POST",
      headers: auth,
      json: { since: before },
    });
    expect(res.status).toBe(202);
    expect(res.body.replayed).toBe(2);
    const queued = capture.take();
    expect(queued.sort()).toEqual([...ids].sort());
    await deliver(queued);
    expect((await deliveryRows(sub.id)).map((r) => r.status)).toEqual(["succeeded", "succeeded"]);

    const none = await api<{ replayed: number }>(`/webhooks/${sub.id}/replay`, {
      method: "POST",
      headers: auth,
      json: { since: new Date(Date.now() + 60_000).toISOString() },
    });
    expect(none.body.replayed).toBe(0);
  });

  it("disables an endpoint that answers 410, and audits it", async () => {
    const echo = new SandboxTenant("echo-410");
    await echo.knobs({ echo_status: 410 });
    const sub = await subscribe(auth, { url: echoUrl(echo), events: ["ping"] });
    const result = await deliver([await ping(sub.id)]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryDelays).toEqual([]);

    const got = await api<{ enabled: boolean; disabled_reason: string }>(`/webhooks/${sub.id}`, {
      headers: auth,
    });
    expect(got.body.enabled).toBe(false);
    expect(got.body.disabled_reason).toContain("410");
    const audit = await api<{ entries: { entity_id: string }[] }>(
      "/audit?entity=webhook&action=webhook.disabled",
      { headers: auth },
    );
    expect(audit.body.entries.map((e) => e.entity_id)).toContain(sub.id);
    // A disabled endpoint gets nothing new, and tests are refused until it is re-enabled.
    const refused = await api(`/webhooks/${sub.id}/test`, { method: "POST", headers: auth });
    expect(refused.status).toBe(409);
    const enabled = await api<{ enabled: boolean; disabled_reason: string | null }>(
      `/webhooks/${sub.id}`,
      { method: "PATCH", headers: auth, json: { enabled: true } },
    );
    expect(enabled.body).toMatchObject({ enabled: true, disabled_reason: null });
  });

  it("disables an endpoint that has failed for five days", async () => {
    const echo = new SandboxTenant("echo-5d");
    await echo.knobs({ echo_status: 500 });
    const sub = await subscribe(auth, { url: echoUrl(echo), events: ["ping"] });
    const id = await ping(sub.id);
    await deliver([id]);
    expect(
      (await api<{ failing_since: string }>(`/webhooks/${sub.id}`, { headers: auth })).body
        .failing_since,
    ).not.toBeNull();

    const sixDaysAgo = new Date(Date.now() - 6 * 86_400_000).toISOString();
    await env.DB.prepare("UPDATE webhook_subscriptions SET failing_since = ? WHERE id = ?")
      .bind(sixDaysAgo, sub.id)
      .run();
    const result = await deliver([id], { attempts: 2 });
    expect(result.retryDelays).toEqual([]);
    const got = await api<{ enabled: boolean; disabled_reason: string }>(`/webhooks/${sub.id}`, {
      headers: auth,
    });
    expect(got.body.enabled).toBe(false);
    expect(got.body.disabled_reason).toContain("5 days");
    const audit = await api<{ entries: { entity_id: string; rule: string }[] }>(
      "/audit?entity=webhook&action=webhook.disabled",
      { headers: auth },
    );
    expect(audit.body.entries.find((e) => e.entity_id === sub.id)?.rule).toContain("5 days");
  });

  it("never follows a redirect and gives up on a slow receiver", async () => {
    const echo = new SandboxTenant("echo-redirect");
    const sub = await subscribe(auth, { url: echoUrl(echo), events: ["ping"] });
    const inits: RequestInit[] = [];
    const redirect = await deliver([await ping(sub.id)], {
      deps: {
        fetch: async (_input, init) => {
          if (init) inits.push(init);
          return new Response(null, { status: 302, headers: { location: "http://10.0.0.1/" } });
        },
      },
    });
    expect(inits[0]?.redirect).toBe("manual");
    expect(inits[0]?.signal).toBeInstanceOf(AbortSignal);
    expect(redirect.retryDelays).toEqual([RETRY_SCHEDULE_SECONDS[0]]);
    expect((await deliveryRows(sub.id))[0]?.last_error).toContain("redirect not followed");

    const slow = await deliver([(await deliveryRows(sub.id))[0]?.id ?? ""], {
      attempts: 2,
      deps: {
        fetch: async () => {
          throw new DOMException("The operation timed out.", "TimeoutError");
        },
      },
    });
    expect(slow.retryDelays).toEqual([RETRY_SCHEDULE_SECONDS[1]]);
    expect((await deliveryRows(sub.id))[0]?.last_error).toContain("timed out");
  });
});

describe("the outbox", () => {
  it("delivers an event whose Worker died between the commit and the publish", async () => {
    const echo = new SandboxTenant("echo-outbox");
    const sub = await subscribe(auth, { url: echoUrl(echo), events: ["lead.created"] });
    // importLeads straight, as a Worker would run it, and then "die": no dispatch at all.
    const ctx = await importContext(env, {
      actor: "test",
      requestId: null,
      options: DEFAULT_IMPORT_OPTIONS,
      dryRun: false,
      maxWaitMs: 5_000,
    });
    const [outcome] = await importLeads(ctx, [
      { index: 0, source: "generic", data: person("outbox") },
    ]);
    expect(outcome?.action).toBe("created");
    const stored = await env.DB.prepare(
      "SELECT id, dispatched_at FROM webhook_events WHERE type = 'lead.created' AND json_extract(payload, '$.data.lead_id') = ?",
    )
      .bind(outcome?.lead_id)
      .first<{ id: string; dispatched_at: string | null }>();
    expect(stored?.dispatched_at).toBeNull();
    expect(capture.sent).toEqual([]);

    // The next cron sweep finds it.
    const exec = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ cron: MINUTE_CRON, scheduledTime: Date.now() }),
      env,
      exec,
    );
    await waitOnExecutionContext(exec);
    const queued = capture.take();
    const [mine] = await deliveryRows(sub.id);
    expect(queued).toContain(mine?.id);
    await deliver(queued);
    const [received] = await echoes(echo);
    if (!received) throw new Error("nothing delivered");
    expect(new Webhook(sub.secret).verify(received.raw, received.headers)).toMatchObject({
      id: stored?.id,
      type: "lead.created",
      data: { lead_id: outcome?.lead_id },
    });
  });

  it("re-sends a delivery whose queue message was lost after dispatch", async () => {
    const echo = new SandboxTenant("echo-lost");
    const sub = await subscribe(auth, { url: echoUrl(echo), events: ["contact.suppressed"] });
    await api("/suppressions", {
      method: "POST",
      headers: auth,
      json: { kind: "email", value: "lost.message@outbox.example", reason: "asked" },
    });
    // The publish fails after the fan-out committed (the Worker died or Queues refused).
    vi.spyOn(env.DELIVERIES, "sendBatch").mockRejectedValue(new Error("queue unavailable"));
    await kickOutbox(env);
    const [row] = await deliveryRows(sub.id);
    expect(row?.status).toBe("pending");

    capture = captureDeliveries();
    // Not yet overdue: nothing is sent twice while the message may still be in flight.
    await sweepWebhooks(env, new Date());
    expect(capture.take()).not.toContain(row?.id);
    await sweepWebhooks(env, new Date(Date.now() + 16 * 60_000));
    const requeued = capture.take();
    expect(requeued).toContain(row?.id);
    await deliver(requeued);
    const [received] = await echoes(echo);
    if (!received) throw new Error("nothing delivered");
    expect(new Webhook(sub.secret).verify(received.raw, received.headers)).toMatchObject({
      type: "contact.suppressed",
      data: { kind: "email", value: "lost.message@outbox.example", origin: "api" },
    });
  });
});
