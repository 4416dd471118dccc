import { describe, expect, it } from "vitest";
import {
  admit,
  after429,
  afterSuccess,
  budgetFactor,
  CALM,
  cooldownMs,
  effectiveLimit,
  type Slot,
  safetyMs,
  usage,
} from "../../src/halo/window";

const W = 10_000;
const done = (at: number): Slot => ({ at, done: true });

describe("rolling window", () => {
  it("admits until the limit, then names the wait for the oldest slot to age out", () => {
    const slots = [done(1_000), done(2_000), done(3_000)];
    expect(admit(slots, 4, W, 5_000)).toEqual({ ok: true });
    const full = admit(slots, 3, W, 5_000);
    expect(full).toEqual({ ok: false, retryAfterMs: 1_000 + W + safetyMs(W) - 5_000 });
  });

  it("frees slots once they are older than the window", () => {
    const slots = [done(0), done(1)];
    expect(admit(slots, 2, W, W).ok).toBe(false);
    expect(admit(slots, 2, W, W + safetyMs(W) + 1).ok).toBe(true);
  });

  it("counts in-flight requests whatever their age, and cannot time them", () => {
    const slots: Slot[] = [{ at: 0, done: false }];
    expect(usage(slots, W, 10 * W)).toEqual({ used: 1, inFlight: 1 });
    const full = admit(slots, 1, W, 10 * W);
    expect(full.ok).toBe(false);
    expect(full.ok ? 0 : full.retryAfterMs).toBeGreaterThan(0);
  });

  it("waits for the slot that frees the needed place when over a lowered limit", () => {
    const slots = [done(1_000), done(2_000), done(3_000), done(4_000)];
    // Limit lowered to 2 with 4 used: three slots must age out, so the third-oldest decides.
    const r = admit(slots, 2, W, 5_000);
    expect(r).toEqual({ ok: false, retryAfterMs: 3_000 + W + safetyMs(W) - 5_000 });
  });
});

describe("429 pressure", () => {
  it("halves the budget and cools down for a sixth of the window, doubling per 429 in a row", () => {
    const p1 = after429(CALM, 100_000, 99_000, W);
    expect(p1.factor).toBe(0.5);
    expect(p1.cooldownUntil).toBe(100_000 + cooldownMs(1, W));
    expect(cooldownMs(1, W)).toBe(Math.round(W / 6));
    const p2 = after429(p1, p1.cooldownUntil, p1.cooldownUntil, W);
    expect(p2.factor).toBe(0.25);
    expect(p2.cooldownUntil - p1.cooldownUntil).toBe(cooldownMs(2, W));
    expect(cooldownMs(10, W)).toBe(W);
  });

  it("ignores a late 429 for a request sent before the cool-down began", () => {
    const p1 = after429(CALM, 100_000, 99_000, W);
    expect(after429(p1, 100_050, 99_500, W)).toBe(p1);
  });

  it("recovers the budget linearly after the cool-down", () => {
    const p = after429(CALM, 0, 0, W);
    const limit = { requests: 100, windowMs: W };
    expect(effectiveLimit(limit, p, p.cooldownUntil)).toBe(50);
    expect(budgetFactor(p, p.cooldownUntil + W, W)).toBe(0.75);
    expect(effectiveLimit(limit, p, p.cooldownUntil + 2 * W)).toBe(100);
    expect(afterSuccess(p).streak).toBe(0);
  });
});
