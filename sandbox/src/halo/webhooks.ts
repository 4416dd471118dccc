import type { TenantContext } from "./context";
import type { Knobs } from "./knobs";
import { renderRecord } from "./render";
import type { TicketChange } from "./upsert";

/** One outgoing POST as recorded for GET /_sandbox/webhooks. */
export interface Delivery {
  seq?: number;
  url: string;
  events: string[];
  delivery_ids: string[];
  batched: boolean;
  /** What was sent: one payload object, or an array when batched. */
  body: unknown;
  authorization: boolean;
  status: number | null;
  ok: boolean;
  error: string | null;
  response_body: string | null;
  sent_at: string;
  duration_ms: number;
}

// Event names as Halo's notification events read in a live payload ("ticket status changed",
// halopsa-api.md §5); numbers from redanthrax's trigger node (3 New Ticket Logged, 76 Status Changed).
function eventOf(change: TicketChange): {
  event: string;
  notification_id: number;
  message: string;
} {
  const ref = String(change.ticket.id).padStart(7, "0");
  if (change.kind === "created") {
    return {
      event: "new ticket logged",
      notification_id: 3,
      message: `New Ticket Logged: Ticket ID: ${ref}.`,
    };
  }
  if (change.statusChanged) {
    return {
      event: "ticket status changed",
      notification_id: 76,
      message: `The status has been changed for Ticket ID: ${ref}.`,
    };
  }
  return {
    event: "ticket updated",
    notification_id: 19,
    message: `Ticket ID: ${ref} has been updated.`,
  };
}

/** .NET writes seven fractional digits ("2026-09-25T06:41:08.7895915Z"). */
function dotnetTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "0000Z");
}

export function buildPayloads(t: TenantContext, changes: TicketChange[], knobs: Knobs) {
  const webhookId = t.webhookId();
  return changes.map((change) => {
    const { event, notification_id, message } = eventOf(change);
    const id = crypto.randomUUID();
    if (knobs.webhook_payload === "event_only") {
      return { id, event, object_id: change.ticket.id, webhook_id: webhookId };
    }
    return {
      id,
      webhook_id: webhookId,
      notification_id,
      escmsg_id: crypto.randomUUID(),
      event,
      message,
      object_id: change.ticket.id,
      agent_id: typeof change.ticket.agent_id === "number" ? change.ticket.agent_id : 1,
      timestamp: dotnetTimestamp(t.now(knobs)),
      ticket: renderRecord("tickets", change.ticket, "all"),
    };
  });
}

const ECHO_PATH = /^(?:\/t\/([A-Za-z0-9_-]{1,64}))?\/_sandbox\/echo\/?$/;

/**
 * Sends through the network, except to a sandbox echo URL (`…/_sandbox/echo` or
 * `…/t/{tenant}/_sandbox/echo` on any host), which is handed straight to that tenant's Durable
 * Object: a Worker cannot fetch its own dev-server URL, and tests must not need the network.
 */
async function send(t: TenantContext, url: string, init: RequestInit): Promise<Response> {
  const target = new URL(url);
  const echo = ECHO_PATH.exec(target.pathname);
  if (echo) {
    const stub = t.env.TENANT.get(t.env.TENANT.idFromName(echo[1] ?? "default"));
    return stub.fetch(new Request("https://sandbox.internal/_sandbox/echo", init));
  }
  return fetch(url, init);
}

/** Posts the payloads (one request each, or one array when batched) and records each delivery. */
export async function deliver(t: TenantContext, payloads: object[], knobs: Knobs): Promise<void> {
  const url = knobs.webhook_url;
  if (!url || payloads.length === 0) return;
  const headers: Record<string, string> = { "content-type": "application/json" };
  // Halo offers None or Basic authentication on outgoing webhooks; no HMAC (§5).
  if (knobs.webhook_username !== null) {
    headers.authorization = `Basic ${btoa(`${knobs.webhook_username}:${knobs.webhook_password ?? ""}`)}`;
  }
  const groups: object[][] = knobs.webhook_batch ? [payloads] : payloads.map((p) => [p]);
  for (const group of groups) {
    const body: unknown = knobs.webhook_batch ? group : group[0];
    const started = Date.now();
    const delivery: Delivery = {
      url,
      events: group.map((p) => String((p as { event?: unknown }).event)),
      delivery_ids: group.map((p) => String((p as { id?: unknown }).id)),
      batched: knobs.webhook_batch,
      body,
      authorization: "authorization" in headers,
      status: null,
      ok: false,
      error: null,
      response_body: null,
      sent_at: new Date(t.now(knobs)).toISOString(),
      duration_ms: 0,
    };
    try {
      const res = await send(t, url, { method: "POST", headers, body: JSON.stringify(body) });
      delivery.status = res.status;
      delivery.ok = res.ok;
      delivery.response_body = (await res.text()).slice(0, 2000);
    } catch (err) {
      delivery.error = err instanceof Error ? err.message : String(err);
    }
    delivery.duration_ms = Date.now() - started;
    // The receiver's status is only logged: Halo's retry policy is undocumented (§5).
    t.stats.inc(delivery.ok ? "webhooks_sent" : "webhooks_failed");
    t.sql.exec("INSERT INTO deliveries (data) VALUES (?)", JSON.stringify(delivery));
  }
}

export function listDeliveries(t: TenantContext): Delivery[] {
  return t.sql
    .exec<{ seq: number; data: string }>("SELECT seq, data FROM deliveries ORDER BY seq")
    .toArray()
    .map((row) => ({ ...(JSON.parse(row.data) as Delivery), seq: row.seq }));
}
