import { describe, expect, it } from "vitest";
import {
  admit,
  EMPTY_LIMITER_STATE,
  type LimiterState,
  RATE_WINDOW_MS,
  type RateLimits,
  release,
  SYNC_LEASE_MS,
  TOUCH_INTERVAL_MS,
} from "../../src/auth/rate-limit-policy";

const LIMITS: RateLimits = { requests_per_hour: 3, bulk_imports_per_hour: 1, concurrent_syncs: 1 };
const T0 = 1_700_000_000_000;
const PLAIN = { bulk: false, sync: false };
const SYNC = { bulk: false, sync: true };
const BULK = { bulk: true, sync: true };

let n = 0;
const lease = () => `lease-${++n}`;

function run(state: LimiterState, kind = PLAIN, now = T0, limits = LIMITS) {
  return admit(state, limits, kind, now, lease);
}

describe("rate-limit policy", () => {
  it("opens a window at the first request and gives the budget back when it closes", () => {
    let state = EMPTY_LIMITER_STATE;
    for (let i = 0; i < 3; i++) {
      const r = run(state, PLAIN, T0 + i * 1000);
      expect(r.admission.allowed).toBe(true);
      expect(r.admission.status).toEqual({
        limit: 3,
        remaining: 2 - i,
        reset: (T0 + RATE_WINDOW_MS) / 1000,
      });
      state = r.state;
    }
    const refused = run(state, PLAIN, T0 + 10_000);
    expect(refused.admission).toMatchObject({
      allowed: false,
      refusedBy: "requests_per_hour",
      retryAfterSeconds: (RATE_WINDOW_MS - 10_000) / 1000,
    });
    // A refusal uses nothing: the next window starts full.
    const later = run(refused.state, PLAIN, T0 + RATE_WINDOW_MS);
    expect(later.admission.allowed).toBe(true);
    expect(later.admission.status.remaining).toBe(2);
  });

  it("refuses a second bulk import in the hour without spending a request", () => {
    const first = run(EMPTY_LIMITER_STATE, BULK);
    expect(first.admission.allowed).toBe(true);
    const freed = release(
      first.state,
      first.admission.allowed ? first.admission.lease : null,
      false,
      T0 + 1,
    );
    const second = run(freed, BULK, T0 + 2);
    expect(second.admission).toMatchObject({ allowed: false, refusedBy: "bulk_imports_per_hour" });
    expect(second.state.requests?.count).toBe(1);
    // A refunded bulk import (the route refused it) can be made again.
    const refunded = release(freed, null, true, T0 + 3);
    expect(run(refunded, BULK, T0 + 4).admission.allowed).toBe(true);
  });

  it("holds sync slots until released, and reclaims a slot whose holder died", () => {
    const held = run(EMPTY_LIMITER_STATE, SYNC);
    expect(held.admission.allowed && held.admission.lease).toBeTruthy();
    const busy = run(held.state, SYNC, T0 + 1);
    expect(busy.admission).toMatchObject({
      allowed: false,
      refusedBy: "concurrent_syncs",
      retryAfterSeconds: 1,
    });
    // Plain requests are not sync operations.
    expect(run(held.state, PLAIN, T0 + 1).admission.allowed).toBe(true);
    const id = held.admission.allowed ? held.admission.lease : null;
    expect(run(release(held.state, id, false, T0 + 2), SYNC, T0 + 3).admission.allowed).toBe(true);
    expect(run(held.state, SYNC, T0 + SYNC_LEASE_MS + 1).admission.allowed).toBe(true);
  });

  it("asks for a last-used write at most once a minute", () => {
    const a = run(EMPTY_LIMITER_STATE, PLAIN, T0);
    expect(a.admission.touch).toBe(true);
    const b = run(a.state, PLAIN, T0 + TOUCH_INTERVAL_MS - 1);
    expect(b.admission.touch).toBe(false);
    expect(run(b.state, PLAIN, T0 + TOUCH_INTERVAL_MS).admission.touch).toBe(true);
  });
});
