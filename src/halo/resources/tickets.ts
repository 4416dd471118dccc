import {
  type Entity,
  findByKey,
  getById,
  listEntity,
  type UpsertOptions,
  upsertEntity,
} from "../entity";
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

/** `/api/Opportunities`: opportunities are tickets, envelope `tickets` (halopsa-api.md §3.2). */
export const opportunities: Entity<TicketRecord, TicketWrite> = {
  ...tickets,
  path: "/api/Opportunities",
};

export const getTicket = (halo: Halo, id: number) => getById(halo, tickets, id);
export const findTicketByThirdPartyId = (halo: Halo, key: string) => findByKey(halo, tickets, key);
export const listTickets = (halo: Halo, query: Record<string, string | number | boolean> = {}) =>
  listEntity(halo, tickets, query);
export const upsertTickets = (
  halo: Halo,
  items: readonly TicketWrite[],
  options?: UpsertOptions<TicketRecord>,
) => upsertEntity(halo, tickets, items, options);

export const getOpportunity = (halo: Halo, id: number) => getById(halo, opportunities, id);
export const listOpportunities = (
  halo: Halo,
  query: Record<string, string | number | boolean> = {},
) => listEntity(halo, opportunities, query);
export const upsertOpportunities = (
  halo: Halo,
  items: readonly TicketWrite[],
  options?: UpsertOptions<TicketRecord>,
) => upsertEntity(halo, opportunities, items, options);
