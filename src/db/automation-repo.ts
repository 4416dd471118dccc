import { and, asc, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "./client";
import type { LeadRow } from "./leads-repo";
import { leads } from "./schema";

/**
 * Engaged leads that carry qualification data, oldest change first: the only ones the
 * auto-promotion rule could convert (conversion needs the five criteria recorded).
 */
export async function engagedLeadsWithQualification(db: Db, limit: number): Promise<LeadRow[]> {
  return db
    .select()
    .from(leads)
    .where(
      and(
        eq(leads.stage, "lead"),
        eq(leads.status, "engaged"),
        isNotNull(leads.haloTicketId),
        sql`json_extract(${leads.lifecycle}, '$.qualification') IS NOT NULL`,
      ),
    )
    .orderBy(asc(leads.updatedAt))
    .limit(limit);
}
