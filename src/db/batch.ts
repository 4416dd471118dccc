import type { BatchItem } from "drizzle-orm/batch";
import { chunk } from "./chunk";
import type { Db } from "./client";

/** A statement built by a repository, to run with others in one batch. */
export type Statement = BatchItem<"sqlite">;

/** Runs statements in D1 batches (one round trip each, atomically). */
export async function runBatch(db: Db, statements: Statement[]): Promise<void> {
  for (const part of chunk(statements, 50)) {
    const [first, ...rest] = part;
    if (first) await db.batch([first, ...rest]);
  }
}
