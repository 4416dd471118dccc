/**
 * What HaloPSA's outgoing webhooks send (halopsa-api.md §5): one payload object, or an array of
 * them when batching is on; each either the full form `{id, webhook_id, notification_id,
 * escmsg_id, event, message, object_id, agent_id, timestamp, ticket{…}}` or the event-only form
 * `{id, event, object_id, webhook_id}`. Field names are undocumented, so — as dotMARC's reader
 * does — the object id is also looked for under `ticket`, `object` and `data`. Only the delivery
 * id, the event name and the object id are kept: the record itself is always re-read from
 * HaloPSA (a payload is never trusted alone).
 */
export type HaloObjectKind = "ticket" | "user" | "unknown";

export interface HaloEvent {
  delivery_id: string;
  event: string;
  object_id: number | null;
  kind: HaloObjectKind;
}

export interface RejectedPayload {
  index: number;
  reason: string;
}

/** A batch larger than this is not something HaloPSA sends; it is refused as malformed. */
export const MAX_EVENTS_PER_DELIVERY = 1000;
const DELIVERY_ID = /^[A-Za-z0-9._:{}-]{1,100}$/;

function record(v: unknown): Record<string, unknown> | null {
  return typeof v === "object" && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : null;
}

function positiveId(v: unknown): number | null {
  const n = typeof v === "string" && /^\d{1,15}(\.0+)?$/.test(v.trim()) ? Number(v) : v;
  // Some HaloPSA reads answer ids as decimals ("4242.0", 4242.0): whole numbers only.
  return typeof n === "number" && Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** Event names as Halo's notification events read ("ticket status changed", "user deleted"). */
function kindOf(event: string, item: Record<string, unknown>): HaloObjectKind {
  const e = event.toLowerCase();
  // "Ticket Updated by User" is a ticket event: the ticket test comes first.
  if (e.includes("ticket")) return "ticket";
  if (e.includes("user")) return "user";
  return record(item.ticket) ? "ticket" : "unknown";
}

function objectId(item: Record<string, unknown>): number | null {
  for (const v of [
    item.object_id,
    record(item.ticket)?.id,
    record(item.object)?.id,
    record(item.data)?.id,
  ]) {
    const id = positiveId(v);
    if (id !== null) return id;
  }
  return null;
}

function parseItem(item: unknown): HaloEvent | string {
  const obj = record(item);
  if (!obj) return "not a JSON object";
  const id = typeof obj.id === "string" ? obj.id.trim() : "";
  if (!DELIVERY_ID.test(id)) return "no delivery id (`id`)";
  const event = typeof obj.event === "string" ? obj.event.trim().slice(0, 200) : "";
  const object_id = objectId(obj);
  const kind = kindOf(event, obj);
  if (kind !== "unknown" && object_id === null) return "no object id (`object_id`)";
  return { delivery_id: id, event: event || "unknown", object_id, kind };
}

/** The deliveries in a body (object or array), and what could not be read, by position. */
export function parseHaloWebhook(body: unknown): {
  events: HaloEvent[];
  rejected: RejectedPayload[];
} {
  const items = Array.isArray(body) ? body : [body];
  if (items.length > MAX_EVENTS_PER_DELIVERY) {
    return {
      events: [],
      rejected: [{ index: 0, reason: `more than ${MAX_EVENTS_PER_DELIVERY} events in one body` }],
    };
  }
  const events: HaloEvent[] = [];
  const rejected: RejectedPayload[] = [];
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const parsed = parseItem(item);
    if (typeof parsed === "string") rejected.push({ index, reason: parsed });
    // The same delivery twice in one body counts once, as a replay would.
    else if (!seen.has(parsed.delivery_id)) {
      seen.add(parsed.delivery_id);
      events.push(parsed);
    }
  });
  return { events, rejected };
}
