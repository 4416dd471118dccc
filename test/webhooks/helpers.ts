import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import { type DeliveryDeps, handleDeliveries } from "../../src/webhooks/deliver";
import { DELIVERIES_QUEUE, type DeliveryMessage } from "../../src/webhooks/dispatch";
import { api } from "../helpers/api";
import type { SandboxTenant } from "../helpers/sandbox";

export interface Echo {
  headers: Record<string, string>;
  raw: string;
  body: { id: string; type: string; occurred_at: string; data: Record<string, unknown> };
  answered: number;
}

/**
 * Queue sends to the deliveries queue are captured instead of sent, so a test drives the
 * consumer itself (with a chosen `attempts` count) instead of waiting for real retries.
 */
export function captureDeliveries() {
  const sent: string[] = [];
  const record = (body: unknown) => {
    const id = (body as DeliveryMessage).delivery_id;
    if (id) sent.push(id);
  };
  vi.spyOn(env.DELIVERIES, "sendBatch").mockImplementation(async (messages) => {
    for (const m of messages) record(m.body);
    return undefined as never;
  });
  vi.spyOn(env.DELIVERIES, "send").mockImplementation(async (body) => {
    record(body);
    return undefined as never;
  });
  return {
    sent,
    /** Ids captured since the last call. */
    take(): string[] {
      return sent.splice(0, sent.length);
    },
  };
}

/** Hands one message per delivery id to the consumer, as Queues would on attempt `attempts`. */
export async function deliver(
  ids: string[],
  options: { attempts?: number; queue?: string; deps?: Partial<DeliveryDeps>; env?: Env } = {},
) {
  const batch = createMessageBatch<DeliveryMessage>(
    options.queue ?? DELIVERIES_QUEUE,
    ids.map((id) => ({
      id: `m-${crypto.randomUUID()}`,
      timestamp: new Date(),
      attempts: options.attempts ?? 1,
      body: { type: "webhook.delivery", delivery_id: id },
    })),
  );
  const retries = batch.messages.map((m) => vi.spyOn(m, "retry"));
  const ctx = createExecutionContext();
  await handleDeliveries(batch as MessageBatch<unknown>, options.env ?? env, {
    now: () => new Date(),
    random: () => 0.5,
    fetch: (input, init) => fetch(input, init),
    ...options.deps,
  });
  const result = await getQueueResult(batch, ctx);
  return {
    ...result,
    retryDelays: retries.flatMap((r) => r.mock.calls.map((c) => c[0]?.delaySeconds ?? null)),
  };
}

export const echoUrl = (tenant: SandboxTenant) => `${tenant.baseUrl}/_sandbox/echo`;

export async function echoes(tenant: SandboxTenant): Promise<Echo[]> {
  const res = await fetch(echoUrl(tenant));
  const body = (await res.json()) as { received: Echo[] };
  return body.received;
}

export async function subscribe(
  auth: Record<string, string>,
  body: Record<string, unknown>,
): Promise<{ id: string; secret: string }> {
  const res = await api<{ id: string; secret: string }>("/webhooks", {
    method: "POST",
    headers: auth,
    json: body,
  });
  if (res.status !== 201) throw new Error(`subscribe: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function deliveryRows(subscriptionId: string) {
  const rows = await env.DB.prepare(
    "SELECT id, status, attempts, last_status_code, last_error, event_id FROM webhook_deliveries WHERE subscription_id = ? ORDER BY id",
  )
    .bind(subscriptionId)
    .all<{
      id: string;
      status: string;
      attempts: number;
      last_status_code: number | null;
      last_error: string | null;
      event_id: string;
    }>();
  return rows.results;
}
