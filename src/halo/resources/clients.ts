import { type Entity, listEntity, type UpsertOptions, upsertEntity } from "../entity";
import { ClientRecord } from "../schemas";
import type { Halo } from "../transport";
import { ClientWrite } from "../writes";

/** `/api/Client`, envelope `clients`; our external key is `ref` (schema `Area`, halopsa-api.md §3.3). */
export const clients: Entity<ClientRecord, ClientWrite> = {
  path: "/api/Client",
  key: "clients",
  record: ClientRecord,
  write: ClientWrite,
  keyField: "ref",
  readKey: (r) => r.ref ?? undefined,
  writeKey: (w) => w.ref ?? undefined,
  // /Client has no ref filter in the spec; advanced_search equality, scanning if refused.
  lookup: { kind: "advanced_search" },
};

export const listClients = (halo: Halo, query: Record<string, string | number | boolean> = {}) =>
  listEntity(halo, clients, query);
export const upsertClients = (
  halo: Halo,
  items: readonly ClientWrite[],
  options?: UpsertOptions<ClientRecord>,
) => upsertEntity(halo, clients, items, options);
