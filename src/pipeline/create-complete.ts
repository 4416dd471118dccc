import { auditStatements } from "../db/audit";
import type { Statement } from "../db/batch";
import { replaceListsStatements, saveSourceStatement } from "../db/leads-repo";
import type { ImportContext } from "./context";
import { createdResult } from "./create-outcomes";
import type { Pending } from "./pending";

/**
 * What completes a person created in HaloPSA, besides its ids: each provider's own record (one
 * row per source, so a later record merges with the others' data), its lists, and — unless the
 * caller records the audit itself — the `lead.created` entry with its webhook event.
 */
export function completionStatements(
  ctx: ImportContext,
  p: Pending,
  at: string,
  { withAudit = true }: { withAudit?: boolean } = {},
): Statement[] {
  return [
    ...(p.item.sourceRecords ?? [p.item.lead]).map((record) =>
      saveSourceStatement(ctx.db, {
        leadId: p.row.id,
        source: record.provenance.source,
        record,
        receivedAt: at,
      }),
    ),
    ...replaceListsStatements(ctx.db, p.row.id, p.built.lists, at),
    ...(withAudit ? auditStatements(ctx.db, [createdResult(ctx, p).audit], ctx.now) : []),
  ];
}
