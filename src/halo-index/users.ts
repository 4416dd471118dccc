import { runBatch, type Statement } from "../db/batch";
import { findCompaniesByHaloClientIds, findLeadsByIds } from "../db/halo-lookups-repo";
import {
  type CompanyRow,
  findLeadsByDedupKeys,
  findLeadsByEmails,
  insertNewLeads,
  type LeadRow,
  type NewLeadRow,
  updateLeadStatement,
} from "../db/leads-repo";
import type { UserRecord } from "../halo/schemas";
import { newId } from "../ids";
import { conflictAudit, type IndexContext, type PageResult, sameRows } from "./context";
import { haloRef, ourLeadId, type UserIdentity, userIdentity } from "./from-halo";

interface Seed {
  user: UserRecord;
  identity: UserIdentity;
  company: CompanyRow | null;
  clientId: number | null;
  siteId: number | null;
  /** Our lead id when LeadBridge created this user. */
  ours: string | null;
}

/**
 * One page of users → `leads` rows keyed by the import's own dedup key, carrying the user's
 * HaloPSA ids and company. A person LeadBridge already knows is linked (its missing ids filled
 * in), never re-keyed or overwritten; a row that holds another user is a conflict.
 */
export async function indexUsers(ctx: IndexContext, page: UserRecord[]): Promise<PageResult> {
  const at = ctx.now.toISOString();
  const counts = {
    users_read: page.length,
    leads_created: 0,
    leads_linked: 0,
    users_skipped: 0,
    conflicts: 0,
  };
  const audit: PageResult["audit"] = [];

  const companies = await findCompaniesByHaloClientIds(
    ctx.db,
    page.flatMap((u) => haloRef(u.client_id) ?? []),
  );
  const seeds: Seed[] = [];
  for (const user of page) {
    const clientId = haloRef(user.client_id);
    const company = clientId === null ? null : (companies.get(clientId)?.[0] ?? null);
    const identity = userIdentity(user, company, ctx.now);
    if (identity === null) {
      counts.users_skipped++;
      continue;
    }
    const siteId = haloRef(user.site_id) ?? company?.haloSiteId ?? null;
    seeds.push({ user, identity, company, clientId, siteId, ours: ourLeadId(user.third_party_id) });
  }

  // Found the way an import finds a person (dedup key, then email), plus our own id.
  const byId = await findLeadsByIds(
    ctx.db,
    seeds.flatMap((s) => s.ours ?? []),
  );
  const byKey = await findLeadsByDedupKeys(
    ctx.db,
    seeds.map((s) => s.identity.dedupKey.value),
  );
  const byEmail = await findLeadsByEmails(
    ctx.db,
    seeds.flatMap((s) => s.identity.lead.person.email ?? []),
  );

  const statements: Statement[] = [];
  const conflict = (s: Seed, row: LeadRow | null, known: number | null) => {
    counts.conflicts++;
    audit.push(
      conflictAudit(ctx, {
        entity: "lead",
        rowId: row?.id ?? null,
        leadId: row?.id ?? null,
        rule: "person_has_other_user",
        detail: {
          dedup_key: s.identity.dedupKey.value,
          halo_user_id: s.user.id,
          known_halo_user_id: known,
        },
      }),
    );
  };
  const link = (s: Seed, row: LeadRow) => {
    const linkable =
      row.haloUserId === s.user.id ||
      (row.haloUserId === null && (!row.writePending || s.ours === row.id));
    if (!linkable) return conflict(s, row, row.haloUserId);
    counts.leads_linked++;
    // Only what the row lacks; ids LeadBridge recorded itself stay as they are.
    const patch: Partial<NewLeadRow> = {};
    if (row.haloUserId === null)
      Object.assign(patch, { haloUserId: s.user.id, writePending: false });
    if (row.haloClientId === null && s.clientId !== null) patch.haloClientId = s.clientId;
    if (row.haloSiteId === null && s.siteId !== null) patch.haloSiteId = s.siteId;
    if (row.companyId === null && s.company !== null) patch.companyId = s.company.id;
    if (Object.keys(patch).length === 0) return;
    Object.assign(row, patch);
    statements.push(updateLeadStatement(ctx.db, row.id, { ...patch, updatedAt: at }));
  };

  const one = sameRows<LeadRow>();
  const fresh: { seed: Seed; row: NewLeadRow }[] = [];
  const takenInPage = new Map<string, number>();
  for (const s of seeds) {
    const email = s.identity.lead.person.email;
    const row =
      one(s.ours ? byId.get(s.ours) : undefined) ??
      one(byKey.get(s.identity.dedupKey.value)) ??
      one(email ? byEmail.get(email) : undefined);
    if (row) {
      link(s, row);
      continue;
    }
    const taken = takenInPage.get(s.identity.dedupKey.value);
    if (taken !== undefined) {
      // The tenant holds this person twice already: the first user keeps the key.
      conflict(s, null, taken);
      continue;
    }
    takenInPage.set(s.identity.dedupKey.value, s.user.id);
    fresh.push({ seed: s, row: newLeadRow(s, ctx.now) });
  }

  const claimed = await insertNewLeads(
    ctx.db,
    fresh.map((f) => f.row),
  );
  for (const f of fresh) {
    const row = claimed.get(f.row.dedupKey);
    if (row?.id === f.row.id) counts.leads_created++;
    // An import claimed the person between our read and our insert: decide against its row.
    else if (row) link(f.seed, one(row) ?? row);
  }
  await runBatch(ctx.db, statements);
  return { counts, audit };
}

/**
 * A person LeadBridge learns from HaloPSA. `written` is empty: LeadBridge wrote nothing to this
 * user, so the smart merge treats every value on it as a manual edit and keeps it. Stage and
 * status are what the import's own claim uses until a ticket says otherwise (the ticket pass,
 * or the ticket a later import creates).
 */
function newLeadRow(s: Seed, now: Date): NewLeadRow {
  const { lead, score, dedupKey } = s.identity;
  return {
    id: newId("ld", now.getTime()),
    dedupKey: dedupKey.value,
    dedupKind: dedupKey.kind,
    email: lead.person.email,
    fullName: lead.person.full_name,
    companyId: s.company?.id ?? null,
    companyName: lead.company.name,
    stage: "lead",
    status: "new_lead",
    qualityScore: score,
    source: lead.provenance.source,
    sources: ["halopsa"],
    lists: [],
    haloClientId: s.clientId,
    haloSiteId: s.siteId,
    haloUserId: s.user.id,
    canonical: lead,
    written: {},
    updatedAt: now.toISOString(),
  };
}
