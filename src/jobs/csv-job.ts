import { CsvError, parse } from "csv-parse/stream";
import { database } from "../db/client";
import { deleteJob, insertJob, insertJobItems, type NewJobItem, updateJob } from "../db/jobs-repo";
import { type ColumnPlan, planColumns, planHasIdentity, rowToLead } from "../domain/csv-columns";
import type { LeadSource } from "../domain/lead";
import { AppError } from "../errors";
import { newId } from "../ids";
import type { ImportOptions } from "../pipeline/options";
import { prepareRecord } from "../pipeline/prepare";
import { CHUNK_SIZE, enqueueChunks } from "./create-job";

/** Rows written to D1 per round trip: 10 statements of 9 rows (D1's 100-parameter cap). */
const ROWS_PER_WRITE = 90;

export interface CsvImport {
  source: LeadSource;
  body: ReadableStream<Uint8Array>;
  options: ImportOptions;
  createdBy: string;
  maxRows: number;
  maxBytes: number;
}

/**
 * Streams a CSV upload into a bulk job: the body is parsed row by row and its rows are written
 * to job_items a few dozen at a time, so a 10,000-row file never sits in memory. The job is
 * enqueued only once the whole body has been read; an upload that fails halfway (bad CSV, too
 * big) leaves nothing behind.
 */
export async function importCsv(
  env: Env,
  csv: CsvImport,
  now: Date = new Date(),
): Promise<{ id: string; chunks: number; total: number }> {
  const db = database(env.DB);
  const id = newId("job", now.getTime());
  const at = now.toISOString();
  await insertJob(
    db,
    {
      id,
      kind: "bulk",
      source: csv.source,
      status: "queued",
      total: 0,
      chunks: 0,
      options: { ...csv.options, continue_on_error: true },
      createdBy: csv.createdBy,
      updatedAt: at,
    },
    [],
  );
  try {
    const total = await readRows(db, id, csv, now);
    const chunks = Math.ceil(total / CHUNK_SIZE);
    await updateJob(db, id, { total, chunks, updatedAt: new Date().toISOString() });
    await enqueueChunks(env, id, chunks);
    return { id, chunks, total };
  } catch (err) {
    await deleteJob(db, id);
    throw err;
  }
}

async function readRows(
  db: ReturnType<typeof database>,
  jobId: string,
  csv: CsvImport,
  now: Date,
): Promise<number> {
  const rows = csv.body.pipeThrough(byteLimit(csv.maxBytes)).pipeThrough(
    parse({
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: false,
    }) as unknown as TransformStream<Uint8Array, string[]>,
  );
  let plan: ColumnPlan | undefined;
  let idx = 0;
  let pending: NewJobItem[] = [];
  const at = now.toISOString();
  try {
    for await (const cells of rows) {
      if (!plan) {
        plan = planColumns(cells);
        if (!planHasIdentity(plan)) {
          throw new AppError(
            "VALIDATION_ERROR",
            "The CSV header names no email, name or phone column",
            { details: { field: "header", ignored_columns: plan.ignored.slice(0, 50) } },
          );
        }
        continue;
      }
      if (idx >= csv.maxRows) {
        throw new AppError(
          "PAYLOAD_TOO_LARGE",
          `A bulk import takes at most ${csv.maxRows} leads; split the file into several uploads.`,
          { details: { field: "body", max_items: csv.maxRows } },
        );
      }
      const lead = rowToLead(plan, cells);
      const issues = prepareRecord(csv.source, lead, now).flatMap((p) => (p.ok ? [] : p.issues));
      pending.push({
        idx,
        chunk: Math.floor(idx / CHUNK_SIZE),
        input: lead,
        ...(issues.length > 0 ? { rejected: issues } : {}),
      });
      idx++;
      if (pending.length >= ROWS_PER_WRITE) {
        await insertJobItems(db, jobId, pending, at);
        pending = [];
      }
    }
  } catch (err) {
    if (err instanceof CsvError) {
      throw new AppError("VALIDATION_ERROR", `Unreadable CSV: ${err.message}`, {
        details: { field: "body", csv_code: err.code, line: lineOf(err) },
      });
    }
    throw err;
  }
  await insertJobItems(db, jobId, pending, at);
  if (idx === 0) {
    throw new AppError("VALIDATION_ERROR", "The CSV holds a header but no rows", {
      details: { field: "body" },
    });
  }
  return idx;
}

function lineOf(err: CsvError): number | null {
  const line = (err as unknown as { lines?: unknown }).lines;
  return typeof line === "number" ? line : null;
}

/** Fails the stream once more than `max` bytes went through (chunked uploads carry no length). */
function byteLimit(max: number): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > max) {
        controller.error(
          new AppError("PAYLOAD_TOO_LARGE", `Request body exceeds ${max} bytes`, {
            details: { field: "body", max_bytes: max },
          }),
        );
        return;
      }
      controller.enqueue(chunk);
    },
  });
}
