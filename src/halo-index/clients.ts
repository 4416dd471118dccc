import { runBatch, type Statement } from "../db/batch";
import {
  type CompanyRow,
  findCompanies,
  insertNewCompanies,
  type NewCompanyRow,
  updateCompanyStatement,
} from "../db/leads-repo";
import type { ClientRecord } from "../halo/schemas";
import { newId } from "../ids";
import { conflictAudit, type IndexContext, type PageResult } from "./context";
import { type ClientIdentity, clientIdentity } from "./from-halo";

type Verdict = { kind: "linked"; patch: Partial<NewCompanyRow> | null } | { kind: "conflict" };

/** Whether a known company takes this client's id: only if it has none (or already this one). */
function decide(row: CompanyRow, client: ClientRecord, id: ClientIdentity): Verdict {
  if (row.haloClientId === client.id) return { kind: "linked", patch: null };
  // A pending create may be about to record its own client; only our own ref proves it is this one.
  if (row.haloClientId === null && (!row.writePending || id.ours)) {
    return { kind: "linked", patch: { haloClientId: client.id, writePending: false } };
  }
  return { kind: "conflict" };
}

/** One page of clients → `companies` rows, keyed as an import would key the company. */
export async function indexClients(ctx: IndexContext, page: ClientRecord[]): Promise<PageResult> {
  const at = ctx.now.toISOString();
  const counts = {
    clients_read: page.length,
    companies_created: 0,
    companies_linked: 0,
    clients_skipped: 0,
    conflicts: 0,
  };
  const audit: PageResult["audit"] = [];
  const seen: { client: ClientRecord; id: ClientIdentity }[] = [];
  for (const client of page) {
    const id = clientIdentity(client, ctx.now);
    if (id === null) counts.clients_skipped++;
    else seen.push({ client, id });
  }

  const known = await findCompanies(
    ctx.db,
    seen.map((s) => s.id.key),
  );
  const statements: Statement[] = [];
  const fresh: { row: NewCompanyRow; client: ClientRecord; id: ClientIdentity }[] = [];
  const takenInPage = new Map<string, number>();
  const conflict = (client: ClientRecord, id: ClientIdentity, row: CompanyRow | null) => {
    counts.conflicts++;
    audit.push(
      conflictAudit(ctx, {
        entity: "company",
        rowId: row?.id ?? null,
        rule: "company_key_has_other_client",
        detail: {
          company_key: id.key,
          halo_client_id: client.id,
          known_halo_client_id: row?.haloClientId ?? takenInPage.get(id.key) ?? null,
        },
      }),
    );
  };
  const apply = (row: CompanyRow, client: ClientRecord, id: ClientIdentity) => {
    const verdict = decide(row, client, id);
    if (verdict.kind === "conflict") return conflict(client, id, row);
    counts.companies_linked++;
    if (verdict.patch) {
      Object.assign(row, verdict.patch);
      statements.push(updateCompanyStatement(ctx.db, row.id, { ...verdict.patch, updatedAt: at }));
    }
  };

  for (const { client, id } of seen) {
    const row = known.get(id.key);
    if (row) {
      apply(row, client, id);
      continue;
    }
    if (takenInPage.has(id.key)) {
      // Two HaloPSA clients with one domain (or name): the first keeps the key.
      conflict(client, id, null);
      continue;
    }
    takenInPage.set(id.key, client.id);
    fresh.push({
      client,
      id,
      row: {
        id: newId("co", ctx.now.getTime()),
        companyKey: id.key,
        name: id.name,
        domain: id.domain,
        haloClientId: client.id,
        // LeadBridge wrote nothing to this client: every value on it is treated as manual.
        written: {},
        updatedAt: at,
      },
    });
  }

  const claimed = await insertNewCompanies(
    ctx.db,
    fresh.map((f) => f.row),
  );
  for (const f of fresh) {
    const row = claimed.get(f.id.key);
    if (row?.id === f.row.id) counts.companies_created++;
    // An import claimed the key between our read and our insert: decide against its row.
    else if (row) apply(row, f.client, f.id);
  }
  await runBatch(ctx.db, statements);
  return { counts, audit };
}
