import { describe, expect, it } from "vitest";
import { Halo } from "./helpers";

interface StatsBody {
  rate_limited: number;
  storm_429s: number;
  tokens_issued: number;
  requests_by_route: Record<string, number>;
  window: {
    limit: number;
    window_seconds: number;
    used: number;
    remaining: number;
    admitted_at: number[];
  };
}

describe("rolling-window rate limit", () => {
  it("answers 429 with Halo's text body and no Retry-After once the window is full", async () => {
    const halo = new Halo();
    await halo.knobs({ rate_limit: 3, rate_window_seconds: 60 });
    await halo.login(); // counts: token calls spend the budget by default
    expect((await halo.get("Tickets")).status).toBe(200);
    expect((await halo.get("Tickets")).status).toBe(200);
    const limited = await halo.get("Tickets");
    expect(limited.status).toBe(429);
    expect(await limited.text()).toBe(
      "Rate Limit Reached - 3 Requests per rolling 1 minute window",
    );
    expect(limited.headers.get("retry-after")).toBeNull();
    expect(limited.headers.get("content-type")).toContain("text/plain");

    const stats = await halo.control<StatsBody>("stats");
    expect(stats.rate_limited).toBe(1);
    expect(stats.tokens_issued).toBe(1);
    const { admitted_at, ...window } = stats.window;
    expect(window).toEqual({ limit: 3, window_seconds: 60, used: 3, remaining: 0 });
    // The three admitted requests (not the refused one), oldest first, each within the window.
    expect(admitted_at).toHaveLength(3);
    expect([...admitted_at].sort((a, b) => a - b)).toEqual(admitted_at);
    const oldest = admitted_at[0] ?? 0;
    const newest = admitted_at[2] ?? 0;
    expect(newest - oldest).toBeLessThan(60_000);
    expect(stats.requests_by_route["GET /api/tickets"]).toBe(3);
  });

  it("rolls: requests older than the window stop counting", async () => {
    const halo = new Halo();
    await halo.knobs({ rate_limit: 2, rate_window_seconds: 300, rate_limit_counts_auth: false });
    await halo.login();
    expect((await halo.get("Tickets")).status).toBe(200);
    await halo.advanceClock(200);
    expect((await halo.get("Tickets")).status).toBe(200);
    const limited = await halo.get("Tickets");
    expect(limited.status).toBe(429);
    expect(await limited.text()).toBe(
      "Rate Limit Reached - 2 Requests per rolling 5 minute window",
    );
    await halo.advanceClock(101); // the first request is now older than 300 s
    expect((await halo.get("Tickets")).status).toBe(200);
    expect((await halo.get("Tickets")).status).toBe(429);
  });

  it("does not count token calls when rate_limit_counts_auth is false", async () => {
    const halo = new Halo();
    await halo.knobs({ rate_limit: 1, rate_limit_counts_auth: false });
    for (let i = 0; i < 3; i++) expect((await halo.requestToken()).status).toBe(200);
    await halo.login();
    expect((await halo.get("Tickets")).status).toBe(200);
    expect((await halo.get("Tickets")).status).toBe(429);
  });
});

describe("429 storms", () => {
  it("storm_requests answers the next N requests with 429, then recovers", async () => {
    const halo = new Halo();
    await halo.login();
    await halo.knobs({ storm_requests: 2 });
    expect((await halo.get("Tickets")).status).toBe(429);
    const second = await halo.get("Tickets");
    expect(second.status).toBe(429);
    expect(await second.text()).toMatch(
      /^Rate Limit Reached - 500 Requests per rolling 3 minute window$/,
    );
    expect((await halo.get("Tickets")).status).toBe(200);
    const stats = await halo.control<StatsBody>("stats");
    expect(stats.storm_429s).toBe(2);
  });

  it("storm_seconds answers 429 until the tenant clock passes it", async () => {
    const halo = new Halo();
    await halo.login();
    await halo.knobs({ storm_seconds: 30 });
    expect((await halo.get("Tickets")).status).toBe(429);
    expect((await halo.requestToken()).status).toBe(429);
    await halo.advanceClock(31);
    expect((await halo.get("Tickets")).status).toBe(200);
  });
});
