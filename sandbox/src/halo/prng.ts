import type { Kv } from "./db";

const STATE_KEY = "prng_state";

/**
 * Fault dice. With a `seed` knob the draws come from mulberry32 whose state lives in the tenant's
 * storage, so the same request sequence always meets the same faults; without one, Math.random.
 */
export class Dice {
  constructor(private readonly kv: Kv) {}

  reseed(seed: number): void {
    this.kv.set(STATE_KEY, seed >>> 0);
  }

  draw(seed: number | null): number {
    if (seed === null) return Math.random();
    const stored = this.kv.get(STATE_KEY);
    let a = typeof stored === "number" ? stored : seed >>> 0;
    a = (a + 0x6d2b79f5) >>> 0;
    this.kv.set(STATE_KEY, a);
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
