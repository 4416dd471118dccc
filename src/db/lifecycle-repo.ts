import { and, eq, inArray } from "drizzle-orm";
import type { Stage } from "../config/schema";
import type { LeadLifecycleData } from "../domain/lifecycle";
import type { Statement } from "./batch";
import { chunk } from "./chunk";
import type { Db } from "./client";
import type { LeadRow } from "./leads-repo";
import { leads } from "./schema";

/** Leads by id (any number; 90 per query under D1's bound-parameter limit). */
export async function findLeadsByIds(db: Db, ids: string[]): Promise<Map<string, LeadRow>> {
  const out = new Map<string, LeadRow>();
  for (const part of chunk([...new Set(ids)], 90)) {
    for (const r of await db.select().from(leads).where(inArray(leads.id, part))) out.set(r.id, r);
  }
  return out;
}

/**
 * A transition's write to a lead row, applied only while `token` still holds the row's lease
 * (src/pipeline/claims.ts): a run whose lease was taken over changes nothing.
 */
export function lifecycleUpdateStatement(
  db: Db,
  id: string,
  token: string,
  patch: { stage: Stage; status: string; lifecycle: LeadLifecycleData; updatedAt: string },
): Statement {
  return db
    .update(leads)
    .set(patch)
    .where(and(eq(leads.id, id), eq(leads.claimToken, token)));
}
