import { type Entity, getById, type UpsertOptions, upsertEntity } from "../entity";
import { SiteRecord } from "../schemas";
import type { Halo } from "../transport";
import { SiteWrite } from "../writes";

/** `/api/Site`, envelope `sites`; external key `ref`; `client_id` comes back as 21.0 (halopsa-api.md §3.3). */
export const sites: Entity<SiteRecord, SiteWrite> = {
  path: "/api/Site",
  key: "sites",
  record: SiteRecord,
  write: SiteWrite,
  keyField: "ref",
  readKey: (r) => r.ref ?? undefined,
  writeKey: (w) => w.ref ?? undefined,
  lookup: { kind: "advanced_search" },
};

export const getSite = (halo: Halo, id: number) => getById(halo, sites, id);
export const upsertSites = (
  halo: Halo,
  items: readonly SiteWrite[],
  options?: UpsertOptions<SiteRecord>,
) => upsertEntity(halo, sites, items, options);
