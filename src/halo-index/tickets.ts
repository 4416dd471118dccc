import { runBatch, type Statement } from "../db/batch";
import { findLeadsByHaloUserIds, findLeadsByIds } from "../db/halo-lookups-repo";
import { type LeadRow, type NewLeadRow, updateLeadStatement } from "../db/leads-repo";
import type { TicketRecord } from "../halo/schemas";
import { stageOf } from "../pipeline/stage";
import { conflictAudit, type IndexContext, type PageResult, sameRows } from "./context";
import { haloRef, ourLeadId } from "./from-halo";

/**
 * One page of lifecycle tickets (one ticket type): each ticket is tied to the lead row of its
 * user (or of our lead id, for tickets LeadBridge created), with the stage and status it shows,
 * so a re-import takes the merge path and the smart merge sees how far the lead has moved. A row
 * that already has another ticket keeps it; the clash is audited.
 */
export async function indexTickets(ctx: IndexContext, page: TicketRecord[]): Promise<PageResult> {
  const at = ctx.now.toISOString();
  const counts = {
    tickets_read: page.length,
    tickets_linked: 0,
    tickets_unmatched: 0,
    conflicts: 0,
  };
  const audit: PageResult["audit"] = [];
  const byId = await findLeadsByIds(
    ctx.db,
    page.flatMap((t) => ourLeadId(t.third_party_id_string) ?? []),
  );
  const byUser = await findLeadsByHaloUserIds(
    ctx.db,
    page.flatMap((t) => haloRef(t.user_id) ?? []),
  );

  const one = sameRows<LeadRow>();
  const statements: Statement[] = [];
  for (const ticket of page) {
    const ours = ourLeadId(ticket.third_party_id_string);
    const userId = haloRef(ticket.user_id);
    const row =
      one(ours ? byId.get(ours) : undefined) ??
      one(userId === null ? undefined : byUser.get(userId));
    if (!row) {
      counts.tickets_unmatched++;
      continue;
    }
    if (row.haloTicketId === ticket.id) {
      counts.tickets_linked++;
      continue;
    }
    if (row.haloTicketId !== null || (row.writePending && ours !== row.id)) {
      counts.conflicts++;
      audit.push(
        conflictAudit(ctx, {
          entity: "lead",
          rowId: row.id,
          leadId: row.id,
          rule: "person_has_other_ticket",
          detail: {
            dedup_key: row.dedupKey,
            halo_ticket_id: ticket.id,
            known_halo_ticket_id: row.haloTicketId,
            halo_user_id: userId,
          },
        }),
      );
      continue;
    }
    const state = stageOf(ctx.lifecycle, ticket.tickettype_id ?? -1, ticket.status_id ?? -1);
    const patch: Partial<NewLeadRow> = {
      haloTicketId: ticket.id,
      writePending: false,
      status: state.status,
      ...(state.stage === "unknown" ? {} : { stage: state.stage }),
      ...(row.haloUserId === null && userId !== null ? { haloUserId: userId } : {}),
    };
    // Later tickets of this person in the page see it taken.
    Object.assign(row, patch);
    counts.tickets_linked++;
    statements.push(updateLeadStatement(ctx.db, row.id, { ...patch, updatedAt: at }));
  }
  await runBatch(ctx.db, statements);
  return { counts, audit };
}
