/**
 * ProviderGate's SQLite storage: the reserved call slots of the rolling window, the credits
 * spent per UTC day, the reservations not yet settled, and the cool-down the provider asked
 * for. Everything the gate decides from lives here, so an eviction loses nothing.
 */

export interface Cooldown {
  until: number;
  /** The provider said "stop until then" (a daily window, a spent quota): pause, not wait. */
  stop: boolean;
  reason: string;
}

export interface GateCounters {
  admitted: number;
  throttled: number;
  budget_refusals: number;
  provider_throttles: number;
}

const EMPTY_COUNTERS: GateCounters = {
  admitted: 0,
  throttled: 0,
  budget_refusals: 0,
  provider_throttles: 0,
};

/** Reservations older than this are never settled (a crashed caller): they stay charged. */
const TICKET_TTL_MS = 2 * 86_400_000;

export class ProviderGateStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS slots (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS credits (day TEXT PRIMARY KEY, spent INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS tickets (id TEXT PRIMARY KEY, day TEXT NOT NULL,
        credits INTEGER NOT NULL, at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);`);
  }

  private get<T>(key: string): T | undefined {
    const row = this.sql
      .exec<{ value: string }>("SELECT value FROM state WHERE key = ?", key)
      .toArray()[0];
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  private set(key: string, value: unknown): void {
    this.sql.exec(
      "INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      key,
      JSON.stringify(value),
    );
  }

  cooldown(): Cooldown | undefined {
    return this.get<Cooldown>("cooldown");
  }

  setCooldown(cooldown: Cooldown): void {
    this.set("cooldown", cooldown);
  }

  counters(): GateCounters {
    return { ...EMPTY_COUNTERS, ...this.get<Partial<GateCounters>>("counters") };
  }

  count(name: keyof GateCounters): void {
    const c = this.counters();
    c[name] += 1;
    this.set("counters", c);
  }

  /** Slots reserved in the window ending at `now` (older ones are dropped). */
  windowSlots(now: number, windowMs: number): number[] {
    this.sql.exec("DELETE FROM slots WHERE at <= ?", now - windowMs);
    return this.sql
      .exec<{ at: number }>("SELECT at FROM slots ORDER BY at")
      .toArray()
      .map((r) => r.at);
  }

  reserveSlot(at: number): void {
    this.sql.exec("INSERT INTO slots (at) VALUES (?)", at);
  }

  creditsSpent(day: string): number {
    const row = this.sql
      .exec<{ spent: number }>("SELECT spent FROM credits WHERE day = ?", day)
      .toArray()[0];
    return row?.spent ?? 0;
  }

  /** Adds (or, settling a reservation, refunds) credits; never below zero. */
  addCredits(day: string, delta: number): void {
    this.sql.exec(
      "INSERT INTO credits (day, spent) VALUES (?, 0) ON CONFLICT(day) DO NOTHING",
      day,
    );
    this.sql.exec("UPDATE credits SET spent = max(0, spent + ?) WHERE day = ?", delta, day);
  }

  openTicket(id: string, day: string, credits: number, at: number): void {
    this.sql.exec(
      "INSERT INTO tickets (id, day, credits, at) VALUES (?, ?, ?, ?)",
      id,
      day,
      credits,
      at,
    );
  }

  /** Removes and returns a reservation; undefined when unknown or already settled. */
  closeTicket(id: string): { day: string; credits: number } | undefined {
    const row = this.sql
      .exec<{ day: string; credits: number }>("SELECT day, credits FROM tickets WHERE id = ?", id)
      .toArray()[0];
    if (row) this.sql.exec("DELETE FROM tickets WHERE id = ?", id);
    return row;
  }

  pruneTickets(now: number): void {
    this.sql.exec("DELETE FROM tickets WHERE at < ?", now - TICKET_TTL_MS);
    this.sql.exec("DELETE FROM credits WHERE day < ?", utcDay(now - 7 * 86_400_000));
  }
}

/** "2026-11-30": the UTC day a credit is counted in. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The next UTC midnight after `ms`: when a daily budget is available again. */
export function nextUtcMidnight(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}
