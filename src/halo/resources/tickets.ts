import { type Entity, listEntity, type UpsertOptions, upsertEntity } from "../entity";
import { TicketRecord } from "../schemas";
import type { Halo } from "../transport";
import { TicketWrite } from "../writes";

/**
 * `/api/Tickets`, envelope `tickets`; external key `third_party_id_string`, an exact list filter
 * in the newer spec build (covenant TicketsAPI.ts, halopsa-api.md §1). Ticket type filters as `requesttype_id`.
 */
export const tickets: Entity<TicketRecord, TicketWrite> = {
  path: "/api/Tickets",
  key: "tickets",
  record: TicketRecord,
  write: TicketWrite,
  keyField: "third_party_id_string",
  readKey: (r) => r.third_party_id_string ?? undefined,
  writeKey: (w) => w.third_party_id_string ?? undefined,
  lookup: { kind: "filter", param: "third_party_id_string" },
};

export const listTickets = (halo: Halo, query: Record<string, string | number | boolean> = {}) =>
  listEntity(halo, tickets, query);
export const upsertTickets = (
  halo: Halo,
  items: readonly TicketWrite[],
  options?: UpsertOptions<TicketRecord>,
) => upsertEntity(halo, tickets, items, options);
