import { DurableObject } from "cloudflare:workers";
import { type GateCounters, nextUtcMidnight, ProviderGateStore, utcDay } from "./store";

/** What a caller asks before one provider request. Times are the caller's clock (ms). */
export interface AdmitRequest {
  now: number;
  /** The provider's per-team rate limit (`config.providers.<p>.rate_limit`). */
  limit: { requests: number; window_seconds: number };
  /** The most credits this request can cost (a bulk match of 10 ids: 10). */
  credits: number;
  /** Credits allowed per UTC day; null = unlimited. */
  dailyBudget: number | null;
}

export type AdmitResult =
  | { kind: "ok"; ticket: string }
  | {
      kind: "throttled";
      retryAfterMs: number;
      /** Set when the wait is a stop (provider quota, day window): pause, do not sleep. */
      stopUntil: number | null;
      reason: string;
    }
  | { kind: "budget_exhausted"; spent: number; budget: number; resetsAt: number };

/** What the provider answered, reported after the call so every caller honours it. */
export interface SettleReport {
  now: number;
  /** The provider's throttle signal: a 429's Retry-After, an empty window, a spent quota. */
  throttle: { retryAfterMs: number; stopUntil: number | null; reason: string } | null;
  /** Credits the call actually cost; null when unknown (the reservation stays charged). */
  credits: number | null;
}

export interface ProviderGateStatus {
  day: string;
  credits_spent_today: number;
  window_used: number;
  cooldown_until: string | null;
  cooldown_reason: string | null;
  counters: GateCounters;
}

/**
 * One per provider credential (`idFromName(provider + ":" + sha256(base URL + key))`, so the key
 * itself is never a name): every call to that provider account, from every sync run, asks here
 * first. Like HaloGate it never queues: a slot is reserved in storage before the call (so
 * interleaved callers cannot both take the last one) or the caller is told how long to wait.
 * It also keeps the provider's own throttle signals (a 429's Retry-After, Apollo's empty window
 * headers, Hunter's spent quota) for all callers, and counts credits per UTC day against the
 * configured budget, reserving a call's maximum before it and settling the real cost after.
 *
 * Each RPC runs to completion without awaiting, so its reads and writes are atomic.
 */
export class ProviderGate extends DurableObject<Env> {
  private readonly store: ProviderGateStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new ProviderGateStore(ctx.storage.sql);
  }

  admit(request: AdmitRequest): AdmitResult {
    const { now } = request;
    const cooldown = this.store.cooldown();
    if (cooldown && now < cooldown.until) {
      this.store.count("throttled");
      return {
        kind: "throttled",
        retryAfterMs: cooldown.until - now,
        stopUntil: cooldown.stop ? cooldown.until : null,
        reason: cooldown.reason,
      };
    }

    const day = utcDay(now);
    const credits = Math.max(0, Math.ceil(request.credits));
    if (request.dailyBudget !== null) {
      const spent = this.store.creditsSpent(day);
      // A paid call must fit in what is left; a free call is pointless once nothing is left.
      const over =
        credits > 0 ? spent + credits > request.dailyBudget : spent >= request.dailyBudget;
      if (over) {
        this.store.count("budget_refusals");
        return {
          kind: "budget_exhausted",
          spent,
          budget: request.dailyBudget,
          resetsAt: nextUtcMidnight(now),
        };
      }
    }

    const windowMs = request.limit.window_seconds * 1000;
    const slots = this.store.windowSlots(now, windowMs);
    if (slots.length >= request.limit.requests) {
      this.store.count("throttled");
      const oldest = slots[slots.length - request.limit.requests] ?? now;
      return {
        kind: "throttled",
        retryAfterMs: Math.max(1, oldest + windowMs - now),
        stopUntil: null,
        reason: "provider_gate_window",
      };
    }

    this.store.reserveSlot(now);
    if (credits > 0) this.store.addCredits(day, credits);
    const ticket = crypto.randomUUID();
    this.store.openTicket(ticket, day, credits, now);
    this.store.count("admitted");
    return { kind: "ok", ticket };
  }

  settle(ticket: string, report: SettleReport): void {
    const reserved = this.store.closeTicket(ticket);
    if (reserved && report.credits !== null && report.credits !== reserved.credits) {
      this.store.addCredits(reserved.day, Math.max(0, report.credits) - reserved.credits);
    }
    if (report.throttle) {
      this.store.count("provider_throttles");
      const t = report.throttle;
      const until = t.stopUntil ?? report.now + Math.max(0, t.retryAfterMs);
      const current = this.store.cooldown();
      if (!current || until > current.until) {
        this.store.setCooldown({ until, stop: t.stopUntil !== null, reason: t.reason });
      }
    }
    this.store.pruneTickets(report.now);
  }

  status(now: number, windowSeconds: number): ProviderGateStatus {
    const cooldown = this.store.cooldown();
    const active = cooldown && cooldown.until > now ? cooldown : undefined;
    return {
      day: utcDay(now),
      credits_spent_today: this.store.creditsSpent(utcDay(now)),
      window_used: this.store.windowSlots(now, windowSeconds * 1000).length,
      cooldown_until: active ? new Date(active.until).toISOString() : null,
      cooldown_reason: active?.reason ?? null,
      counters: this.store.counters(),
    };
  }
}
