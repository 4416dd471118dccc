import { describe, expect, it } from "vitest";
import { authenticateHalo, type ReceiverSecrets } from "../../src/halo-inbound/auth";
import { parseHaloWebhook } from "../../src/halo-inbound/payload";

// The live-tenant payload of halopsa-api.md §5 (dotMARC's test), trimmed further.
const FULL = {
  id: "8e25bc7b-0000-4000-8000-000000000001",
  webhook_id: "53232637-0000-4000-8000-000000000002",
  notification_id: 41,
  escmsg_id: "a726ee11-0000-4000-8000-000000000003",
  event: "ticket status changed",
  message: "The status has been changed for Ticket ID: 0004242.",
  object_id: 4242,
  agent_id: 3,
  timestamp: "2026-09-25T06:41:08.7895915Z",
  ticket: { id: 4242, status_id: 9, tickettype_id: 25, customfields: [], hasbeenclosed: true },
};

describe("parseHaloWebhook", () => {
  it("reads full, event-only and batched deliveries, and ids in the places Halo may put them", () => {
    const eventOnly = { id: "d-2", event: "New Ticket Logged", object_id: "77", webhook_id: "w" };
    const nested = { id: "d-3", event: "Ticket Updated by User", ticket: { id: 78.0 } };
    const user = { id: "d-4", event: "User Deleted", data: { id: 9 } };
    const { events, rejected } = parseHaloWebhook([FULL, eventOnly, nested, user, FULL]);
    expect(rejected).toEqual([]);
    expect(events).toEqual([
      { delivery_id: FULL.id, event: "ticket status changed", object_id: 4242, kind: "ticket" },
      { delivery_id: "d-2", event: "New Ticket Logged", object_id: 77, kind: "ticket" },
      { delivery_id: "d-3", event: "Ticket Updated by User", object_id: 78, kind: "ticket" },
      { delivery_id: "d-4", event: "User Deleted", object_id: 9, kind: "user" },
    ]);
    expect(parseHaloWebhook(FULL).events).toHaveLength(1);
  });

  it("says what it cannot read, by position, and keeps the rest", () => {
    const { events, rejected } = parseHaloWebhook([
      "text",
      { event: "ticket updated", object_id: 1 },
      { id: "d-5", event: "ticket updated", object_id: -3 },
      { id: "d-6", event: "approval requested", object_id: 12 },
    ]);
    expect(rejected).toEqual([
      { index: 0, reason: "not a JSON object" },
      { index: 1, reason: "no delivery id (`id`)" },
      { index: 2, reason: "no object id (`object_id`)" },
    ]);
    expect(events).toEqual([
      { delivery_id: "d-6", event: "approval requested", object_id: 12, kind: "unknown" },
    ]);
  });
});

describe("authenticateHalo", () => {
  const secrets: ReceiverSecrets = { username: "halo", password: "p4ss:word", pathToken: "tok" };
  const basic = (u: string, p: string) => `Basic ${btoa(`${u}:${p}`)}`;

  it("needs the username, the whole password (colons included) and the path token", async () => {
    expect(await authenticateHalo(secrets, basic("halo", "p4ss:word"), "tok")).toBe(true);
    expect(await authenticateHalo(secrets, basic("halo", "p4ss:word"), undefined)).toBe(false);
    expect(await authenticateHalo(secrets, basic("halo", "p4ss"), "tok")).toBe(false);
    expect(await authenticateHalo(secrets, basic("HALO", "p4ss:word"), "tok")).toBe(false);
    expect(await authenticateHalo(secrets, "Basic !!!", "tok")).toBe(false);
    expect(await authenticateHalo(secrets, undefined, "tok")).toBe(false);
  });

  it("refuses everything when no password is configured", async () => {
    const off = { ...secrets, password: "", pathToken: "" };
    expect(await authenticateHalo(off, basic("halo", ""), undefined)).toBe(false);
  });
});
