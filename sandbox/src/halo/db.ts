// One SQLite database per tenant (the Durable Object's storage). Records are kept as JSON per
// entity: the sandbox filters in memory, which is plenty for test- and dev-sized data sets.

export type Sql = SqlStorage;

export function migrate(sql: Sql): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS records (
    entity TEXT NOT NULL, id INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (entity, id))`);
  sql.exec(
    "CREATE TABLE IF NOT EXISTS counters (entity TEXT PRIMARY KEY, next_id INTEGER NOT NULL)",
  );
  sql.exec(
    "CREATE TABLE IF NOT EXISTS tokens (token TEXT PRIMARY KEY, expires_at INTEGER NOT NULL, scope TEXT NOT NULL)",
  );
  // Rolling-window limiter: one row per counted request.
  sql.exec("CREATE TABLE IF NOT EXISTS hits (ts INTEGER NOT NULL)");
  sql.exec("CREATE INDEX IF NOT EXISTS hits_ts ON hits (ts)");
  sql.exec("CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  sql.exec(
    "CREATE TABLE IF NOT EXISTS deliveries (seq INTEGER PRIMARY KEY AUTOINCREMENT, data TEXT NOT NULL)",
  );
  sql.exec(
    "CREATE TABLE IF NOT EXISTS echoes (seq INTEGER PRIMARY KEY AUTOINCREMENT, data TEXT NOT NULL)",
  );
}

/** Drops everything a test can create. Lookups are code, so they survive a reset by design. */
export function wipe(sql: Sql): void {
  for (const table of ["records", "counters", "tokens", "hits", "kv", "deliveries", "echoes"]) {
    sql.exec(`DELETE FROM ${table}`);
  }
}

/** Small JSON key/value store for knobs, stats, PRNG state and the tag dictionary. */
export class Kv {
  constructor(private readonly sql: Sql) {}

  get(key: string): unknown {
    const rows = this.sql
      .exec<{ value: string }>("SELECT value FROM kv WHERE key = ?", key)
      .toArray();
    const row = rows[0];
    return row ? (JSON.parse(row.value) as unknown) : undefined;
  }

  set(key: string, value: unknown): void {
    this.sql.exec(
      "INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      key,
      JSON.stringify(value),
    );
  }

  delete(key: string): void {
    this.sql.exec("DELETE FROM kv WHERE key = ?", key);
  }
}
