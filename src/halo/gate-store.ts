import type { StoredToken } from "./token";
import type { GateCounters } from "./types";
import { CALM, type Pressure, type Slot } from "./window";

export const ZERO_COUNTERS: GateCounters = {
  requests_sent: 0,
  token_requests: 0,
  responses_429: 0,
  throttled: 0,
  server_errors: 0,
  network_errors: 0,
  auth_failures: 0,
  token_refreshes: 0,
};

/** Slots older than this are deleted whatever the configured window (bounds the table). */
const MAX_HISTORY_MS = 60 * 60 * 1000;

/** The counters also kept per minute, for analytics over a date range (GET /analytics/*). */
export const MINUTE_COUNTERS = ["requests_sent", "responses_429", "throttled"] as const;
export type MinuteCounter = (typeof MINUTE_COUNTERS)[number];
/** Per-minute counts older than this are deleted: analytics looks back at most this far. */
const MINUTE_HISTORY_MS = 90 * 24 * 60 * 60 * 1000;
const MINUTE_MS = 60_000;

/**
 * HaloGate's durable state in its SQLite storage: one row per request slot, and a small key/value
 * table for the token, the 429 pressure and the counters. Slots are mirrored in memory so each
 * admission decision reads no storage; every change is written through before the gate awaits
 * anything, so an eviction loses nothing.
 */
export class GateStore {
  private readonly slots = new Map<number, Slot>();
  private lastMinute = 0;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS slots (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at INTEGER NOT NULL,
      done INTEGER NOT NULL
    )`);
    sql.exec("CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    sql.exec(`CREATE TABLE IF NOT EXISTS minute_counts (
      minute INTEGER NOT NULL,
      name TEXT NOT NULL,
      n INTEGER NOT NULL,
      PRIMARY KEY (minute, name)
    )`);
  }

  /**
   * Loads the slots after a (re)start. A slot still in flight belonged to a request the eviction
   * cut off: it may have reached HaloPSA, so it is kept, as finished now.
   */
  load(now: number): void {
    this.sql.exec("UPDATE slots SET done = 1, at = ? WHERE done = 0", now);
    for (const row of this.sql.exec<{ id: number; at: number }>("SELECT id, at FROM slots")) {
      this.slots.set(row.id, { at: row.at, done: true });
    }
  }

  allSlots(): Iterable<Slot> {
    return this.slots.values();
  }

  reserve(now: number): number {
    const row = this.sql
      .exec<{ id: number }>("INSERT INTO slots (at, done) VALUES (?, 0) RETURNING id", now)
      .one();
    this.slots.set(row.id, { at: now, done: false });
    return row.id;
  }

  /** Marks a slot finished at `now` (or keeps a later time already recorded). */
  finish(id: number, now: number): void {
    const slot = this.slots.get(id);
    const at = Math.max(now, slot?.at ?? now);
    this.slots.set(id, { at, done: true });
    this.sql.exec("UPDATE slots SET at = ?, done = 1 WHERE id = ?", at, id);
  }

  prune(now: number, windowMs: number): void {
    const cutoff = now - Math.max(MAX_HISTORY_MS, windowMs * 2);
    let any = false;
    for (const [id, s] of this.slots) {
      if (s.done && s.at < cutoff) {
        this.slots.delete(id);
        any = true;
      }
    }
    if (any) this.sql.exec("DELETE FROM slots WHERE done = 1 AND at < ?", cutoff);
  }

  /** The per-minute counts between two moments (epoch ms, end exclusive), summed. */
  minuteTotals(fromMs: number, toMs: number): Record<MinuteCounter, number> {
    const totals: Record<MinuteCounter, number> = {
      requests_sent: 0,
      responses_429: 0,
      throttled: 0,
    };
    const rows = this.sql.exec<{ name: string; n: number }>(
      "SELECT name, SUM(n) AS n FROM minute_counts WHERE minute >= ? AND minute < ? GROUP BY name",
      Math.floor(fromMs / MINUTE_MS),
      Math.ceil(toMs / MINUTE_MS),
    );
    for (const row of rows) {
      if ((MINUTE_COUNTERS as readonly string[]).includes(row.name))
        totals[row.name as MinuteCounter] = row.n;
    }
    return totals;
  }

  private countMinute(name: MinuteCounter, by: number, now: number): void {
    const minute = Math.floor(now / MINUTE_MS);
    this.sql.exec(
      "INSERT INTO minute_counts (minute, name, n) VALUES (?, ?, ?) ON CONFLICT(minute, name) DO UPDATE SET n = n + excluded.n",
      minute,
      name,
      by,
    );
    // Once per new minute is enough to keep the table bounded.
    if (minute !== this.lastMinute) {
      this.lastMinute = minute;
      this.sql.exec(
        "DELETE FROM minute_counts WHERE minute < ?",
        minute - MINUTE_HISTORY_MS / MINUTE_MS,
      );
    }
  }

  private get<T>(key: string): T | undefined {
    const row = this.sql
      .exec<{ value: string }>("SELECT value FROM kv WHERE key = ?", key)
      .toArray()[0];
    // Written only by this class, so the stored shape is trusted.
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  private set(key: string, value: unknown): void {
    this.sql.exec(
      "INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      key,
      JSON.stringify(value),
    );
  }

  private delete(key: string): void {
    this.sql.exec("DELETE FROM kv WHERE key = ?", key);
  }

  token(): StoredToken | undefined {
    return this.get<StoredToken>("token");
  }

  setToken(token: StoredToken | undefined): void {
    if (token) this.set("token", token);
    else this.delete("token");
  }

  /** The last refusal by the token endpoint, so /health does not ask again on every call. */
  authFailure(): { at: number; credentials: string; message: string } | undefined {
    return this.get("auth_failure");
  }

  setAuthFailure(f: { at: number; credentials: string; message: string } | undefined): void {
    if (f) this.set("auth_failure", f);
    else this.delete("auth_failure");
  }

  pressure(): Pressure {
    return this.get<Pressure>("pressure") ?? CALM;
  }

  setPressure(p: Pressure): void {
    this.set("pressure", p);
  }

  counters(): GateCounters {
    return { ...ZERO_COUNTERS, ...(this.get<Partial<GateCounters>>("counters") ?? {}) };
  }

  count(name: keyof GateCounters, by = 1): void {
    const c = this.counters();
    c[name] += by;
    this.set("counters", c);
    if ((MINUTE_COUNTERS as readonly string[]).includes(name))
      this.countMinute(name as MinuteCounter, by, Date.now());
  }

  /** The tenant this gate serves and its limit, as last seen, for status() without settings. */
  tenant(): { baseUrl: string; requests: number; windowSeconds: number } | undefined {
    return this.get("tenant");
  }

  setTenant(t: { baseUrl: string; requests: number; windowSeconds: number }): void {
    const current = this.tenant();
    if (
      current?.baseUrl !== t.baseUrl ||
      current.requests !== t.requests ||
      current.windowSeconds !== t.windowSeconds
    ) {
      this.set("tenant", t);
    }
  }
}
