import type { IntegrationConfig } from "../config/schema";
import { haloClient } from "../halo/client";
import { addActions } from "../halo/resources/actions";
import { haloSettings } from "../halo/settings";
import { haloPort } from "../pipeline/halo-adapter";
import type { HaloRecordUpdate, HaloTicketView } from "../pipeline/halo-port";

/** Array POSTs and `ticketids` reads carry up to 100 records (HaloPSA's page cap). */
export const LIFECYCLE_CHUNK = 100;

/**
 * What lifecycle transitions need from HaloPSA: one batched read of the tickets' current type,
 * status and custom fields, one array POST of ticket updates, one array POST of notes. Every
 * call goes through HaloGate; tests may implement it over anything.
 */
export interface LifecyclePort {
  /** Tickets by id, 100 per `GET /api/Tickets?ticketids=`; deleted ones are left out. */
  readTickets(ids: number[]): Promise<Map<number, HaloTicketView>>;
  /** Updates (each with its `id`) in array POSTs of 100 to `/api/Tickets`. */
  writeTickets(updates: HaloRecordUpdate[]): Promise<void>;
  /** Private notes in array POSTs of 100 to `/api/Actions`; returns the action ids in order. */
  addNotes(notes: { ticket_id: number; note: string }[]): Promise<number[]>;
}

export function lifecyclePort(
  env: Env,
  config: IntegrationConfig,
  options: { maxWaitMs: number },
): LifecyclePort {
  const port = haloPort(env, config, options);
  const halo = haloClient(env, haloSettings(env, config), { maxWaitMs: options.maxWaitMs });
  return {
    readTickets: (ids) => port.getTickets(ids),
    writeTickets: async (updates) => {
      if (updates.length > 0) await port.createTickets(updates);
    },
    addNotes: async (notes) => {
      if (notes.length === 0) return [];
      const saved = await addActions(
        halo,
        notes.map((n) => ({
          ticket_id: n.ticket_id,
          note: n.note,
          outcome: "Private Note",
          // A private note: agents see it in HaloPSA, the end user is never shown or emailed it.
          hiddenfromuser: true,
          sendemail: false,
        })),
        { chunkSize: LIFECYCLE_CHUNK },
      );
      return saved.map((s) => s.id);
    },
  };
}
