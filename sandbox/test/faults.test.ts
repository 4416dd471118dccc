import { describe, expect, it } from "vitest";
import { type Envelope, Halo, raw } from "./helpers";

describe("fault knobs", () => {
  it("error_rate=1 answers 500 before doing anything", async () => {
    const halo = new Halo();
    await halo.login();
    await halo.knobs({ error_rate: 1 });
    const res = await halo.post("Tickets", [{ summary: "never stored" }]);
    expect(res.status).toBe(500);
    expect(res.headers.get("x-sandbox-fault")).toBe("error_rate");
    await halo.knobs({ error_rate: 0 });
    const list = await halo.json<Envelope<"tickets">>(halo.get("Tickets"));
    expect(list.record_count).toBe(0);
    expect((await halo.control<{ errors_injected: number }>("stats")).errors_injected).toBe(1);
  });

  it("is deterministic with a seed: two tenants with the same seed see the same faults", async () => {
    const pattern = async () => {
      const halo = new Halo();
      await halo.login();
      await halo.knobs({ error_rate: 0.5, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 16; i++) statuses.push((await halo.get("Tickets")).status);
      return statuses;
    };
    const a = await pattern();
    const b = await pattern();
    expect(a).toEqual(b);
    expect(a).toContain(500);
    expect(a).toContain(200);
  });

  it("drop_rate loses the response after the write: a later GET sees the record", async () => {
    const halo = new Halo();
    await halo.login();
    await halo.knobs({ drop_rate: 1 });
    const res = await halo.post("Tickets", [
      { summary: "dropped", third_party_id_string: "lb-42" },
    ]);
    expect(res.status).toBe(502);
    expect(await res.text()).toBe("");
    // Reads are never dropped, so the client can look the record up by its external key.
    const found = await halo.json<Envelope<"tickets">>(
      halo.get("Tickets?third_party_id_string=lb-42"),
    );
    expect(found.record_count).toBe(1);
    expect(found.tickets[0]?.summary).toBe("dropped");
    await halo.knobs({ drop_status: 504 });
    expect((await halo.post("Client", [{ name: "x" }])).status).toBe(504);
    expect((await halo.control<{ dropped_responses: number }>("stats")).dropped_responses).toBe(2);
  });

  it("latency_ms delays responses", async () => {
    const halo = new Halo();
    await halo.login();
    await halo.knobs({ latency_ms: 150 });
    const started = Date.now();
    expect((await halo.get("Tickets")).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe("control plane", () => {
  it("merges knob patches, validates them, and reset restores defaults and wipes data", async () => {
    const halo = new Halo();
    await halo.knobs({ rate_limit: 10 });
    const merged = await halo.knobs({ error_rate: 0.1 });
    expect(merged).toMatchObject({ rate_limit: 10, error_rate: 0.1, rate_window_seconds: 180 });

    const bad = await raw(`${halo.base}/_sandbox/knobs`, {
      method: "PUT",
      body: JSON.stringify({ error_rate: 2, nonsense: true }),
    });
    expect(bad.status).toBe(400);

    await halo.knobs({ error_rate: 0 });
    await halo.post("Client", [{ name: "before reset" }]);
    const reset = await halo.control<{ knobs: Record<string, unknown> }>("reset", {
      method: "POST",
    });
    expect(reset.knobs.rate_limit).toBe(500);
    await halo.login();
    const clients = await halo.json<Envelope<"clients">>(halo.get("Client"));
    expect(clients.record_count).toBe(0);
    // Lookups survive a reset.
    expect(
      ((await halo.json<unknown[]>(halo.get("TicketType"))) as unknown[]).length,
    ).toBeGreaterThan(2);
  });
});
