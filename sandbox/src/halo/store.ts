import type { Sql } from "./db";
import type { HaloEntity } from "./schema-fields";

export type HaloRecord = Record<string, unknown> & { id: number };

// Distinct id ranges per entity, so a client that passes a client id where a site id belongs
// gets "not found" instead of silently hitting another record.
const FIRST_ID: Record<HaloEntity, number> = {
  clients: 10,
  sites: 100,
  users: 1000,
  tickets: 5000,
  actions: 1,
  integration_errors: 1,
  integration_requests: 1,
};

export class Store {
  constructor(private readonly sql: Sql) {}

  all(entity: HaloEntity): HaloRecord[] {
    return this.sql
      .exec<{ data: string }>("SELECT data FROM records WHERE entity = ? ORDER BY id", entity)
      .toArray()
      .map((row) => JSON.parse(row.data) as HaloRecord);
  }

  get(entity: HaloEntity, id: number): HaloRecord | undefined {
    const row = this.sql
      .exec<{ data: string }>("SELECT data FROM records WHERE entity = ? AND id = ?", entity, id)
      .toArray()[0];
    return row ? (JSON.parse(row.data) as HaloRecord) : undefined;
  }

  put(entity: HaloEntity, record: HaloRecord): void {
    this.sql.exec(
      `INSERT INTO records (entity, id, data) VALUES (?, ?, ?)
       ON CONFLICT(entity, id) DO UPDATE SET data = excluded.data`,
      entity,
      record.id,
      JSON.stringify(record),
    );
  }

  delete(entity: HaloEntity, id: number): boolean {
    const cursor = this.sql.exec("DELETE FROM records WHERE entity = ? AND id = ?", entity, id);
    return cursor.rowsWritten > 0;
  }

  nextId(entity: HaloEntity): number {
    const row = this.sql
      .exec<{ next_id: number }>("SELECT next_id FROM counters WHERE entity = ?", entity)
      .toArray()[0];
    const id = row ? row.next_id : FIRST_ID[entity];
    this.sql.exec(
      `INSERT INTO counters (entity, next_id) VALUES (?, ?)
       ON CONFLICT(entity) DO UPDATE SET next_id = excluded.next_id`,
      entity,
      id + 1,
    );
    return id;
  }
}
