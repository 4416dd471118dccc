import { sql } from "drizzle-orm";
import type { Db } from "./client";
import { leadLists } from "./schema";

/** How many leads each list holds (lists nobody is in are absent). */
export async function countLeadsByList(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .select({ id: leadLists.listId, n: sql<number>`count(*)` })
    .from(leadLists)
    .groupBy(leadLists.listId);
  return new Map(rows.map((r) => [r.id, r.n]));
}
