import { describe, expect, it } from "vitest";
import { ApolloClient, apolloHeaderThrottle } from "../../src/providers/apollo/client";
import { parseJsonGuarded } from "../../src/providers/http";
import { HunterClient, parseResetDate } from "../../src/providers/hunter/client";
import { Pacer, retryAfterMs } from "../../src/providers/pacing";
import { credentials, ZoomInfoClient } from "../../src/providers/zoominfo/client";
import { ProviderSandbox } from "./helpers";

describe("provider client building blocks", () => {
  it("reads integers beyond 2^53 as exact strings and leaves strings alone", () => {
    const parsed = parseJsonGuarded(
      '{"request_id":1039995589705121900,"n":42,"f":1.5,"s":"1039995589705121900 \\" x","neg":-12345678901234567}',
    ) as Record<string, unknown>;
    expect(parsed.request_id).toBe("1039995589705121900");
    expect(parsed.n).toBe(42);
    expect(parsed.f).toBe(1.5);
    expect(parsed.s).toBe('1039995589705121900 " x');
    expect(parsed.neg).toBe("-12345678901234567");
  });

  it("reads Retry-After as seconds or an HTTP date, with a fallback", () => {
    const now = new Date("2026-11-24T10:00:00Z");
    expect(retryAfterMs("120", now, 5)).toBe(120_000);
    expect(retryAfterMs("Tue, 24 Nov 2026 10:01:00 GMT", now, 5)).toBe(60_000);
    expect(retryAfterMs(null, now, 5)).toBe(5);
    expect(retryAfterMs("soon", now, 5)).toBe(5);
  });

  it("turns Apollo's empty windows into waits or stops, reading both daily spellings", () => {
    const now = new Date("2026-11-24T10:00:30Z");
    const minute = apolloHeaderThrottle(new Headers({ "x-minute-requests-left": "0" }), now);
    expect(minute).toEqual({ retryAfterMs: 30_000, reason: "apollo_minute_window" });
    const daily = apolloHeaderThrottle(new Headers({ "x-24-hour-requests-left": "0" }), now);
    expect(daily?.stopUntil?.toISOString()).toBe("2026-11-25T00:00:00.000Z");
    expect(apolloHeaderThrottle(new Headers({ "x-minute-requests-left": "3" }), now)).toBeNull();
  });

  it("paces a run inside its configured window and refuses waits that are too long", async () => {
    let t = 0;
    const slept: number[] = [];
    const pacer = new Pacer(
      { requests: 2, window_seconds: 1 },
      () => t,
      async (ms) => {
        slept.push(ms);
        t += ms;
      },
      5_000,
    );
    expect(await pacer.acquire()).toBe(true);
    expect(await pacer.acquire()).toBe(true);
    expect(await pacer.acquire()).toBe(true);
    expect(slept).toEqual([1000]);
    const strict = new Pacer(
      { requests: 1, window_seconds: 60 },
      () => 0,
      async () => {},
      5_000,
    );
    expect(await strict.acquire()).toBe(true);
    expect(await strict.acquire()).toBe(false);
  });

  it("parses Hunter reset dates, including the mock's spaced form, and ZoomInfo credentials", () => {
    expect(parseResetDate("2026-12-01")?.toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(parseResetDate("2020 - 07 - 02")?.toISOString()).toBe("2020-07-02T00:00:00.000Z");
    expect(parseResetDate("soon")).toBeNull();
    expect(credentials("me@corp.com:s3cr:et")).toEqual({
      username: "me@corp.com",
      password: "s3cr:et",
    });
    expect(credentials("key-only")).toEqual({ username: "leadbridge", password: "key-only" });
  });
});

describe("provider clients against the sandbox", () => {
  it("Apollo: pages search and keeps bulk_match's request_id exact", async () => {
    const sandbox = new ProviderSandbox();
    const apollo = new ApolloClient({
      baseUrl: sandbox.env().APOLLO_BASE_URL,
      apiKey: "test-apollo-key",
    });
    const page = await apollo.searchPeople({}, 2, 3);
    if (page.kind !== "ok") throw new Error("throttled");
    expect(page.data.people).toHaveLength(3);
    expect(page.data.totalEntries).toBeGreaterThan(100);
    const match = await apollo.bulkMatchByIds(page.data.people.map((p) => p.id));
    if (match.kind !== "ok") throw new Error("throttled");
    expect(match.data.credits).toBe(3);
    expect(match.data.requestId).toMatch(/^10399955897051219\d\d$/);
    const bad = new ApolloClient({ baseUrl: sandbox.env().APOLLO_BASE_URL, apiKey: "wrong" });
    await expect(bad.searchPeople({}, 1, 1)).rejects.toMatchObject({ status: 401 });
  });

  it("ZoomInfo: authenticates once and reuses the JWT", async () => {
    const sandbox = new ProviderSandbox();
    const zi = new ZoomInfoClient({
      baseUrl: sandbox.env().ZOOMINFO_BASE_URL,
      apiKey: "test-zoominfo-key",
    });
    const one = await zi.searchContacts({}, 1, 5);
    const two = await zi.searchContacts({}, 2, 5);
    if (one.kind !== "ok" || two.kind !== "ok") throw new Error("throttled");
    expect(one.data.contacts[0]?.id).toMatch(/^\d+$/);
    expect(two.data.contacts[0]?.id).not.toBe(one.data.contacts[0]?.id);
    const routes = (await sandbox.calls("zoominfo")).map((c) => c.route);
    expect(routes).toEqual(["POST /authenticate", "POST /search/contact", "POST /search/contact"]);
  });

  it("Hunter: a 451 claimed_email is a result, not an error", async () => {
    const sandbox = new ProviderSandbox();
    const hunter = new HunterClient({
      baseUrl: sandbox.env().HUNTER_BASE_URL,
      apiKey: "test-hunter-key",
    });
    // The universe is fixed: find a claimed person through the simulator's own finder.
    const apollo = new ApolloClient({
      baseUrl: sandbox.env().APOLLO_BASE_URL,
      apiKey: "test-apollo-key",
    });
    let claimed = 0;
    for (let page = 1; page <= 3 && claimed === 0; page++) {
      const r = await apollo.searchPeople({}, page, 10);
      if (r.kind !== "ok") throw new Error("throttled");
      const m = await apollo.bulkMatchByIds(r.data.people.map((p) => p.id));
      if (m.kind !== "ok") throw new Error("throttled");
      for (const p of m.data.matches) {
        const person = p as {
          first_name: string;
          last_name: string;
          organization: { primary_domain: string };
        };
        const f = await hunter.emailFinder({
          domain: person.organization.primary_domain,
          first_name: person.first_name,
          last_name: person.last_name,
        });
        if (f.kind === "ok" && f.data.kind === "claimed") claimed += 1;
      }
    }
    expect(claimed).toBeGreaterThan(0);
    const statuses = (await sandbox.calls("hunter")).map((c) => c.status);
    expect(statuses).toContain(451);
  });
});
