import { describe, expect, it } from "vitest";
import { Halo, type Rec, sleep } from "./helpers";

interface Delivery {
  url: string;
  events: string[];
  batched: boolean;
  body: unknown;
  status: number | null;
  ok: boolean;
  authorization: boolean;
}

interface Echo {
  authorization: string | null;
  body: unknown;
}

/** Deliveries go out via waitUntil, after the API response; poll until they are recorded. */
async function waitForDeliveries(halo: Halo, n: number): Promise<Delivery[]> {
  for (let i = 0; i < 100; i++) {
    const { deliveries } = await halo.control<{ deliveries: Delivery[] }>("webhooks");
    if (deliveries.length >= n) return deliveries;
    await sleep(20);
  }
  throw new Error(`expected ${n} webhook deliveries`);
}

function only<T>(items: T[]): T {
  const [first] = items;
  if (items.length !== 1 || first === undefined)
    throw new Error(`expected 1 item, got ${items.length}`);
  return first;
}

describe("outgoing webhooks", () => {
  it("posts Halo's payload with Basic auth on create and on status change", async () => {
    const halo = new Halo();
    await halo.knobs({
      webhook_url: `http://localhost/t/${halo.tenant}/_sandbox/echo`,
      webhook_username: "halo",
      webhook_password: "s3cret",
    });
    const ticket = await halo.json<Rec>(
      halo.post("Tickets", [{ summary: "hooked", tickettype_id: 1 }]),
    );
    await halo.post("Tickets", [{ id: ticket.id, status_id: 3 }]);
    const deliveries = await waitForDeliveries(halo, 2);
    expect(deliveries.map((d) => [d.events, d.status, d.authorization])).toEqual([
      [["new ticket logged"], 200, true],
      [["ticket status changed"], 200, true],
    ]);

    const { received } = await halo.control<{ received: Echo[] }>("echo");
    expect(received).toHaveLength(2);
    expect(received[0]?.authorization).toBe(`Basic ${btoa("halo:s3cret")}`);
    expect(received[1]?.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      webhook_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      escmsg_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      event: "ticket status changed",
      message: `The status has been changed for Ticket ID: ${String(ticket.id).padStart(7, "0")}.`,
      object_id: ticket.id,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/),
      ticket: { id: ticket.id, summary: "hooked", status_id: 3, tickettype_id: 1 },
    });
  });

  it("batches one call's events into a JSON array when webhook_batch is on", async () => {
    const halo = new Halo();
    await halo.knobs({
      webhook_url: `http://localhost/t/${halo.tenant}/_sandbox/echo`,
      webhook_batch: true,
    });
    await halo.post("Tickets", [{ summary: "a" }, { summary: "b" }, { summary: "c" }]);
    const delivery = only(await waitForDeliveries(halo, 1));
    expect(delivery.batched).toBe(true);
    expect(Array.isArray(delivery.body)).toBe(true);
    expect((delivery.body as Rec[]).map((p) => (p.ticket as Rec).summary)).toEqual(["a", "b", "c"]);
    expect(delivery.authorization).toBe(false);
  });

  it("sends the event-only form when webhook_payload is event_only", async () => {
    const halo = new Halo();
    await halo.knobs({
      webhook_url: `http://localhost/t/${halo.tenant}/_sandbox/echo`,
      webhook_payload: "event_only",
    });
    const t = await halo.json<Rec>(halo.post("Tickets", [{ summary: "x" }]));
    const delivery = only(await waitForDeliveries(halo, 1));
    expect(Object.keys(delivery.body as object).sort()).toEqual([
      "event",
      "id",
      "object_id",
      "webhook_id",
    ]);
    expect((delivery.body as Rec).object_id).toBe(t.id);
  });

  it("sends nothing without webhook_url, and nothing for non-ticket writes", async () => {
    const halo = new Halo();
    await halo.post("Tickets", [{ summary: "quiet" }]);
    await halo.knobs({ webhook_url: `http://localhost/t/${halo.tenant}/_sandbox/echo` });
    await halo.post("Client", [{ name: "no event" }]);
    await sleep(100);
    const { deliveries } = await halo.control<{ deliveries: Delivery[] }>("webhooks");
    expect(deliveries).toEqual([]);
  });
});
