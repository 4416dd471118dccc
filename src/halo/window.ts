// Pure rolling-window and budget math for HaloGate: no clock, no storage (pass `now`).
//
// HaloPSA limits each tenant with a rolling window (published 500 requests per 3 minutes; older
// tenants "300 Requests per rolling 5 minute window") and sends no Retry-After with its 429
// (halopsa-api.md §4), so the gate must pace itself and infer everything else.

/** One request the gate has let through. `done` requests stop counting `windowMs` after `at`. */
export interface Slot {
  /** Reservation time while in flight; completion time once done. */
  at: number;
  done: boolean;
}

export interface WindowLimit {
  requests: number;
  windowMs: number;
}

/**
 * Margin added to the window: HaloPSA's clock and ours differ a little, so a slot is held a bit
 * longer than the window to avoid a 429 on the boundary.
 */
export function safetyMs(windowMs: number): number {
  return Math.max(25, Math.round(windowMs * 0.01));
}

/**
 * Whether a slot still counts at `now`. An in-flight slot always counts: it will land on HaloPSA
 * at some unknown moment after its reservation. A finished slot counts until `windowMs` after it
 * finished — the response arrives after HaloPSA counted the request, so timing the slot from the
 * response is never earlier than HaloPSA's own timestamp, however long the request took.
 */
export function counts(slot: Slot, now: number, windowMs: number): boolean {
  return !slot.done || slot.at + windowMs + safetyMs(windowMs) > now;
}

export type Admission = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * Can one more request go at `now` under `limit` (already lowered by the budget)? When not, how
 * long until the oldest finished slot ages out. With every slot in flight nothing is known, so
 * the caller is told to come back after a short pause.
 */
export function admit(
  slots: Iterable<Slot>,
  limit: number,
  windowMs: number,
  now: number,
): Admission {
  let used = 0;
  const expiries: number[] = [];
  for (const s of slots) {
    if (!counts(s, now, windowMs)) continue;
    used += 1;
    if (s.done) expiries.push(s.at + windowMs + safetyMs(windowMs));
  }
  if (used < limit) return { ok: true };
  // The slot that frees the (used - limit + 1)th place is the one to wait for.
  expiries.sort((a, b) => a - b);
  const freeing = expiries[used - limit];
  const retryAfterMs = freeing === undefined ? IN_FLIGHT_PAUSE_MS : Math.max(1, freeing - now);
  return { ok: false, retryAfterMs };
}

const IN_FLIGHT_PAUSE_MS = 250;

export function usage(
  slots: Iterable<Slot>,
  windowMs: number,
  now: number,
): { used: number; inFlight: number } {
  let used = 0;
  let inFlight = 0;
  for (const s of slots) {
    if (!counts(s, now, windowMs)) continue;
    used += 1;
    if (!s.done) inFlight += 1;
  }
  return { used, inFlight };
}

// ---------------------------------------------------------------------------------------------
// Budget and cool-down after a 429
// ---------------------------------------------------------------------------------------------

/**
 * What the gate remembers about HaloPSA pushing back. A 429 means the tenant's window is full —
 * possibly spent by other integrations sharing it — so the gate pauses and then uses a smaller
 * share, growing back while no 429 arrives (additive increase, multiplicative decrease).
 */
export interface Pressure {
  /** Budget factor (share of the configured limit) right after the last 429. 1 = no pressure. */
  factor: number;
  /** When the last counted 429 arrived (0 = never). */
  lastAt: number;
  /** No request may go before this time. */
  cooldownUntil: number;
  /** 429s in a row (reset by a success), which lengthen the cool-down. */
  streak: number;
}

export const CALM: Pressure = { factor: 1, lastAt: 0, cooldownUntil: 0, streak: 0 };

/** Each 429 halves the budget, never below this share. */
export const MIN_FACTOR = 0.1;
/** Share of the limit won back per window without a 429, counted from the cool-down's end. */
export const RECOVERY_PER_WINDOW = 0.25;

/**
 * First cool-down: a sixth of the window (30 s at 500/180 s), doubling per 429 in a row up to a
 * full window. HaloAPI#31 found fixed 5 s sleeps far too short for a rolling window; a whole
 * window on the first 429 would idle the pipeline for minutes on a single stray 429.
 */
export function cooldownMs(streak: number, windowMs: number): number {
  const base = windowMs / 6;
  return Math.round(Math.min(windowMs, base * 2 ** Math.max(0, streak - 1)));
}

/** The budget factor at `now`: lowered after a 429, recovering linearly after the cool-down. */
export function budgetFactor(p: Pressure, now: number, windowMs: number): number {
  if (p.factor >= 1) return 1;
  const since = Math.max(0, now - p.cooldownUntil);
  return Math.min(1, p.factor + (RECOVERY_PER_WINDOW * since) / windowMs);
}

/** The request limit the gate enforces at `now`: the configured limit times the budget. */
export function effectiveLimit(limit: WindowLimit, p: Pressure, now: number): number {
  return Math.max(1, Math.floor(limit.requests * budgetFactor(p, now, limit.windowMs)));
}

/**
 * The pressure after a 429 on a request reserved at `reservedAt`. A 429 for a request sent before
 * the current cool-down began is the same storm seen late: it does not lower the budget again.
 */
export function after429(p: Pressure, now: number, reservedAt: number, windowMs: number): Pressure {
  if (p.lastAt > 0 && reservedAt < p.lastAt) return p;
  const streak = p.streak + 1;
  const factor = Math.max(MIN_FACTOR, budgetFactor(p, now, windowMs) / 2);
  return { factor, lastAt: now, cooldownUntil: now + cooldownMs(streak, windowMs), streak };
}

/** A success ends a 429 streak (the budget keeps recovering by time). */
export function afterSuccess(p: Pressure): Pressure {
  return p.streak === 0 ? p : { ...p, streak: 0 };
}
