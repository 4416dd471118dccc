import { runBatch } from "../db/batch";
import { findCompaniesByHaloClientIds } from "../db/halo-lookups-repo";
import { updateCompanyStatement } from "../db/leads-repo";
import type { SiteRecord } from "../halo/schemas";
import type { IndexContext, PageResult } from "./context";
import { haloRef } from "./from-halo";

/**
 * One page of sites: each indexed company without a site gets one of its client's sites, so
 * a new person at that company costs no site call. The site LeadBridge created for the company
 * (`ref` = company key + "#main") is preferred, else the client's oldest site. A company that
 * already has a site keeps it.
 */
export async function indexSites(ctx: IndexContext, page: SiteRecord[]): Promise<PageResult> {
  const at = ctx.now.toISOString();
  const byClient = new Map<number, SiteRecord[]>();
  for (const site of page) {
    const clientId = haloRef(site.client_id);
    if (clientId !== null) byClient.set(clientId, [...(byClient.get(clientId) ?? []), site]);
  }
  const companies = await findCompaniesByHaloClientIds(ctx.db, [...byClient.keys()]);
  let linked = 0;
  const statements = [];
  for (const [clientId, sites] of byClient) {
    for (const company of companies.get(clientId) ?? []) {
      if (company.haloSiteId !== null) continue;
      const ours = sites.find((s) => s.ref === `${company.companyKey}#main`);
      const oldest = [...sites].sort((a, b) => a.id - b.id)[0];
      const site = ours ?? oldest;
      if (!site) continue;
      linked++;
      statements.push(
        updateCompanyStatement(ctx.db, company.id, { haloSiteId: site.id, updatedAt: at }),
      );
    }
  }
  await runBatch(ctx.db, statements);
  return { counts: { sites_read: page.length, sites_linked: linked }, audit: [] };
}
