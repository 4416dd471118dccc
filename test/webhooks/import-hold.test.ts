import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { runBatch } from "../../src/db/batch";
import { database } from "../../src/db/client";
import { eventInserts, newEvent } from "../../src/db/outbox-repo";
import { IMPORT_HOLD_MS, kickOutboxAfterChunks } from "../../src/webhooks/dispatch";
import { SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";
import { captureDeliveries, deliveryRows, echoUrl, subscribe } from "./helpers";

// Issue 11 / 14: while an import still has chunks to run, the jobs consumer leaves committed
// events in the outbox (at most IMPORT_HOLD_MS) so deliveries do not compete with it; the kick
// after the last chunk sends everything.

let auth: Record<string, string>;
let sent: ReturnType<typeof captureDeliveries>;

beforeAll(async () => {
  ({ auth } = await tenantApp("webhooks-hold"));
});

beforeEach(() => {
  vi.restoreAllMocks();
  sent = captureDeliveries();
});

const pendingItem = (jobId: string) =>
  env.DB.prepare(
    "INSERT INTO job_items (job_id, idx, chunk, input, status, updated_at) VALUES (?, 0, 0, '{}', 'pending', ?)",
  )
    .bind(jobId, new Date().toISOString())
    .run();

/** A ping for `subscriptionId` committed to the outbox at `at`, as an import's event would be. */
async function commitEvent(subscriptionId: string, at: Date): Promise<void> {
  const db = database(env.DB);
  const event = newEvent(
    "ping",
    { subscription_id: subscriptionId, message: "hold" },
    at,
    subscriptionId,
  );
  await runBatch(db, eventInserts(db, [event]));
}

const undispatched = async (): Promise<number> =>
  (
    await env.DB.prepare(
      "SELECT count(*) AS n FROM webhook_events WHERE dispatched_at IS NULL",
    ).first<{
      n: number;
    }>()
  )?.n ?? 0;

describe("the jobs consumer's outbox kick", () => {
  it("holds events while an import has pending chunks, then sends them all", async () => {
    const sub = await subscribe(auth, {
      url: echoUrl(new SandboxTenant("echo-hold")),
      events: ["*"],
    });
    await pendingItem("job_hold_1");
    await commitEvent(sub.id, new Date());

    await kickOutboxAfterChunks(env, new Date());
    expect(await deliveryRows(sub.id)).toHaveLength(0);
    expect(await undispatched()).toBe(1);

    // The import's last chunk is done: nothing pending, the next kick sends everything.
    await env.DB.prepare("DELETE FROM job_items WHERE job_id = 'job_hold_1'").run();
    await kickOutboxAfterChunks(env, new Date());
    const rows = await deliveryRows(sub.id);
    expect(rows).toHaveLength(1);
    expect(sent.take()).toEqual(rows.map((r) => r.id));
    expect(await undispatched()).toBe(0);
  });

  it("never holds an event longer than IMPORT_HOLD_MS, even mid-import", async () => {
    const sub = await subscribe(auth, {
      url: echoUrl(new SandboxTenant("echo-hold-cap")),
      events: ["*"],
    });
    await pendingItem("job_hold_2");
    const committed = new Date();
    await commitEvent(sub.id, committed);

    await kickOutboxAfterChunks(env, new Date(committed.getTime() + IMPORT_HOLD_MS - 1_000));
    expect(await deliveryRows(sub.id)).toHaveLength(0);

    await kickOutboxAfterChunks(env, new Date(committed.getTime() + IMPORT_HOLD_MS + 1_000));
    expect(await deliveryRows(sub.id)).toHaveLength(1);
    expect(await undispatched()).toBe(0);
    await env.DB.prepare("DELETE FROM job_items WHERE job_id = 'job_hold_2'").run();
  });

  it("empties an outbox larger than one dispatch pass once the import is done", async () => {
    const sub = await subscribe(auth, {
      url: echoUrl(new SandboxTenant("echo-hold-many")),
      events: ["*"],
    });
    const db = database(env.DB);
    const at = new Date();
    // 1,050 events: more than one `dispatchOutbox` call takes (20 rounds of 50).
    const events = Array.from({ length: 1050 }, () =>
      newEvent("ping", { subscription_id: sub.id, message: "bulk" }, at, sub.id),
    );
    await runBatch(db, eventInserts(db, events));
    await kickOutboxAfterChunks(env, new Date());
    expect(await undispatched()).toBe(0);
    expect(await deliveryRows(sub.id)).toHaveLength(1050);
  });
});
