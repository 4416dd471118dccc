import { and, eq, gte, isNotNull, lt, ne, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { type ImportCounts, ZERO_IMPORT_COUNTS } from "../domain/analytics";
import { BUCKET_COUNT } from "../domain/latency";
import type { Statement } from "./batch";
import type { Db } from "./client";
import { importRollups, leads, requestRollups } from "./schema";

/** One route's requests in one minute, as the metrics middleware accumulates them. */
export interface RequestRollup {
  minute: string;
  route: string;
  count: number;
  serverErrors: number;
  clientErrors: number;
  rateLimited: number;
  latencyMsSum: number;
  bytesIn: number;
  /** BUCKET_COUNT counts (src/domain/latency.ts). */
  buckets: number[];
}

type BucketColumn = `b${number}`;
const bucketColumns = Array.from({ length: BUCKET_COUNT }, (_, i) => `b${i}` as BucketColumn);
const col = (name: string) => sql.raw(`"${name}"`);
const added = (name: string) => sql`${col(name)} + excluded.${col(name)}`;

/** Upserts that add each rollup to its (minute, route) row: one statement per row. */
export function requestRollupStatements(db: Db, rollups: RequestRollup[]): Statement[] {
  return rollups.map((r) => {
    const buckets = Object.fromEntries(bucketColumns.map((b, i) => [b, r.buckets[i] ?? 0]));
    return db
      .insert(requestRollups)
      .values({
        minute: r.minute,
        route: r.route,
        count: r.count,
        serverErrors: r.serverErrors,
        clientErrors: r.clientErrors,
        rateLimited: r.rateLimited,
        latencyMsSum: r.latencyMsSum,
        bytesIn: r.bytesIn,
        ...buckets,
      } as typeof requestRollups.$inferInsert)
      .onConflictDoUpdate({
        target: [requestRollups.minute, requestRollups.route],
        set: Object.fromEntries(
          [
            "count",
            "server_errors",
            "client_errors",
            "rate_limited",
            "latency_ms_sum",
            "bytes_in",
            ...bucketColumns,
          ].map((c) => [snakeToCamel(c), added(c)]),
        ),
      });
  });
}

function snakeToCamel(s: string): string {
  return s.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());
}

export interface RouteTotals {
  route: string;
  count: number;
  serverErrors: number;
  clientErrors: number;
  rateLimited: number;
  latencyMsSum: number;
  bytesIn: number;
  buckets: number[];
}

/** Per-route sums over the minutes in [from, to) (`YYYY-MM-DDTHH:MM` keys). */
export async function requestTotals(db: Db, from: string, to: string): Promise<RouteTotals[]> {
  const sums = bucketColumns.map((b) => sql`SUM(${col(b)})`);
  const rows = await db.all<Record<string, number | string>>(sql`
    SELECT route, SUM(count) AS count, SUM(server_errors) AS server_errors,
      SUM(client_errors) AS client_errors, SUM(rate_limited) AS rate_limited,
      SUM(latency_ms_sum) AS latency_ms_sum, SUM(bytes_in) AS bytes_in,
      ${sql.join(
        sums.map((s, i) => sql`${s} AS ${col(`b${i}`)}`),
        sql`, `,
      )}
    FROM request_rollups WHERE minute >= ${from} AND minute < ${to}
    GROUP BY route ORDER BY route`);
  const n = (v: unknown) => Number(v ?? 0);
  return rows.map((r) => ({
    route: String(r.route),
    count: n(r.count),
    serverErrors: n(r.server_errors),
    clientErrors: n(r.client_errors),
    rateLimited: n(r.rate_limited),
    latencyMsSum: n(r.latency_ms_sum),
    bytesIn: n(r.bytes_in),
    buckets: bucketColumns.map((b) => n(r[b])),
  }));
}

/** Import outcomes of one run, per minute and source, added to the rollup in the run's batch. */
export function importRollupStatements(
  db: Db,
  minute: string,
  bySource: Map<string, ImportCounts>,
): Statement[] {
  return [...bySource].map(([source, c]) =>
    db
      .insert(importRollups)
      .values({ minute, source, ...c })
      .onConflictDoUpdate({
        target: [importRollups.minute, importRollups.source],
        set: Object.fromEntries(
          (Object.keys(ZERO_IMPORT_COUNTS) as (keyof ImportCounts)[]).map((k) => [k, added(k)]),
        ),
      }),
  );
}

export interface ImportRow extends ImportCounts {
  /** The minute key cut to the series' granularity (hour or day). */
  bucket: string;
  source: string;
}

/** Import outcomes over [from, to), per source and time bucket (`prefix` characters of the key). */
export async function importTotals(
  db: Db,
  f: { from: string; to: string; source?: string; prefix: 10 | 13 },
): Promise<ImportRow[]> {
  const where: SQL[] = [gte(importRollups.minute, f.from), lt(importRollups.minute, f.to)];
  if (f.source) where.push(eq(importRollups.source, f.source));
  const bucket = sql<string>`substr(${importRollups.minute}, 1, ${f.prefix})`;
  const sum = (c: SQLiteColumn) => sql<number>`SUM(${c})`.mapWith(Number);
  return db
    .select({
      bucket,
      source: importRollups.source,
      created: sum(importRollups.created),
      updated: sum(importRollups.updated),
      preserved: sum(importRollups.preserved),
      merged: sum(importRollups.merged),
      rejected: sum(importRollups.rejected),
      suppressed: sum(importRollups.suppressed),
      failed: sum(importRollups.failed),
    })
    .from(importRollups)
    .where(and(...where))
    .groupBy(bucket, importRollups.source)
    .orderBy(bucket, importRollups.source);
}

export interface StageCount {
  stage: string;
  status: string;
  n: number;
}

/**
 * The leads first written in [from, to) (ISO timestamps), by their stage and status now: the
 * cohort the funnel follows. People the HaloPSA index found were not imported and are left out,
 * and so are leads whose create has not reached HaloPSA.
 */
export async function cohortStages(
  db: Db,
  f: { from: string; to: string; source?: string },
): Promise<StageCount[]> {
  const where: SQL[] = [
    gte(leads.createdAt, f.from),
    lt(leads.createdAt, f.to),
    ne(leads.source, "halopsa"),
    // Written to HaloPSA: a lead whose create failed has a row but no ticket yet.
    isNotNull(leads.haloTicketId),
  ];
  if (f.source) where.push(eq(leads.source, f.source));
  return db
    .select({ stage: leads.stage, status: leads.status, n: sql<number>`COUNT(*)`.mapWith(Number) })
    .from(leads)
    .where(and(...where))
    .groupBy(leads.stage, leads.status);
}
