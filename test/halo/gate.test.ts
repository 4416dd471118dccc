import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { gateStub } from "../../src/halo/client";
import { HaloThrottledError } from "../../src/halo/errors";
import { listTicketTypes } from "../../src/halo/resources/lookups";
import { SandboxTenant, sleep } from "../helpers/sandbox";

describe("HaloGate tokens", () => {
  it("requests one token for many calls", async () => {
    const t = new SandboxTenant("tok");
    const halo = t.client();
    for (let i = 0; i < 5; i++) await listTicketTypes(halo);
    await Promise.all(Array.from({ length: 10 }, () => listTicketTypes(halo)));
    const stats = await t.stats();
    expect(stats.tokens_issued).toBe(1);
    expect(stats.requests_by_route["GET /api/tickettype"]).toBe(15);
  });

  it("refreshes once, before expiry, when the token's lifetime runs out", async () => {
    const t = new SandboxTenant("ttl");
    await t.knobs({ token_ttl_seconds: 1 });
    const halo = t.client();
    await listTicketTypes(halo);
    await sleep(1_100);
    await listTicketTypes(halo);
    await listTicketTypes(halo);
    const stats = await t.stats();
    expect(stats.tokens_issued).toBe(2);
    expect(stats.token_rejections).toBe(0);
  });

  it.each([401, 400])(
    "refreshes once and retries when HaloPSA answers %i to an expired token",
    async (status) => {
      const t = new SandboxTenant(`exp${status}`);
      await t.knobs({ expired_token_status: status });
      const halo = t.client();
      await listTicketTypes(halo);
      // HaloPSA's clock moves past the token's expiry; the gate still thinks it valid.
      await t.advanceClock(7_200);
      const types = await listTicketTypes(halo);
      expect(types.length).toBeGreaterThan(0);
      const stats = await t.stats();
      expect(stats.tokens_issued).toBe(2);
      expect(stats.token_rejections).toBe(1);
      const gate = await gateStub(env, t.settings()).status();
      expect(gate.counters.token_refreshes).toBe(1);
    },
  );
});

describe("HaloGate 429 cool-down", () => {
  it("stops all calls and lowers its budget after a 429, then recovers", async () => {
    const t = new SandboxTenant("storm");
    const rateLimit = { requests: 40, windowSeconds: 1 };
    const halo = t.client({ rateLimit });
    await listTicketTypes(halo);
    await t.knobs({ storm_requests: 1 });

    const err = await listTicketTypes(halo).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HaloThrottledError);
    const gate = gateStub(env, t.settings(rateLimit));
    const cooling = await gate.status();
    expect(cooling.counters.responses_429).toBe(1);
    expect(cooling.cooldown_remaining_ms).toBeGreaterThan(0);
    expect(cooling.budget).toBe(20);

    // During the cool-down nothing is sent: the sandbox sees no new request.
    const before = (await t.stats()).requests_total;
    await expect(listTicketTypes(halo)).rejects.toBeInstanceOf(HaloThrottledError);
    expect((await t.stats()).requests_total).toBe(before);

    // A caller willing to wait gets through once the cool-down ends.
    const patient = t.client({ rateLimit, maxWaitMs: 2_000 });
    expect((await listTicketTypes(patient)).length).toBeGreaterThan(0);
    const stats = await t.stats();
    expect(stats.storm_429s).toBe(1);
    expect(stats.rate_limited).toBe(0);

    // The budget grows back by time: two windows after the cool-down it is whole again.
    await sleep(2_300);
    const recovered = await gate.status();
    expect(recovered.budget).toBe(40);
    expect(recovered.last_429_at).not.toBeNull();
  });
});

describe("HaloGate state", () => {
  it("survives eviction: window, token and counters are in its storage", async () => {
    const t = new SandboxTenant("evict");
    const halo = t.client();
    for (let i = 0; i < 3; i++) await listTicketTypes(halo);
    const stub = gateStub(env, t.settings());
    const before = await stub.status();
    expect(before.window.used).toBe(4);
    await evictDurableObject(stub);
    const after = await gateStub(env, t.settings()).status();
    expect(after.window.used).toBe(4);
    expect(after.token.present).toBe(true);
    expect(after.counters.requests_sent).toBe(4);
    // The stored token is reused after the eviction: no new token request.
    await listTicketTypes(halo);
    expect((await t.stats()).tokens_issued).toBe(1);
  });

  it("never reveals the token or the secret in its status", async () => {
    const t = new SandboxTenant("secret");
    await listTicketTypes(t.client());
    const text = JSON.stringify(await gateStub(env, t.settings()).status());
    expect(text).not.toContain(env.HALO_CLIENT_SECRET);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
  });
});
