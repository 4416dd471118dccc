import type { IntegrationConfig } from "../config/schema";
import { type CustomFieldValue, HALO_FIELDS } from "../domain/halo-mapping";
import { haloClient } from "../halo/client";
import { readByIds } from "../halo/read-many";
import { addActions } from "../halo/resources/actions";
import { upsertClients } from "../halo/resources/clients";
import { upsertSites } from "../halo/resources/sites";
import { listTickets, upsertTickets } from "../halo/resources/tickets";
import { upsertUsers, users } from "../halo/resources/users";
import type { TicketRecord, UserRecord } from "../halo/schemas";
import { haloSettings } from "../halo/settings";
import type { Halo } from "../halo/transport";
import type { ActionWrite, TicketWrite, UserWrite } from "../halo/writes";
import type {
  CreateOptions,
  HaloPort,
  HaloTicketView,
  HaloUserRef,
  HaloUserView,
} from "./halo-port";

/**
 * Mapped fields the merge's read-back leaves out: our external keys and the links between
 * records (LeadBridge owns them and never rewrites them), notes (protected, never rewritten), and
 * the ticket's type, status, custom fields and tags, which the ticket view carries separately.
 */
const NOT_READ_BACK: ReadonlySet<string> = new Set([
  "third_party_id",
  "third_party_id_string",
  "client_id",
  "site_id",
  "user_id",
  "notes",
  "tickettype_id",
  "status_id",
  "customfields",
  "tags",
]);

/**
 * Fields of a user and a ticket the smart merge compares with what LeadBridge last wrote:
 * every field the mapping writes (`HALO_FIELDS`) but the ones above, so a newly mapped field is
 * compared too instead of being invisible to the merge.
 */
const USER_FIELDS = HALO_FIELDS.user.filter((f) => !NOT_READ_BACK.has(f));
const TICKET_FIELDS = HALO_FIELDS.ticket.filter((f) => !NOT_READ_BACK.has(f));

/** Array POSTs of up to 100 records: HaloPSA's page cap, and what its own tools batch. */
const CHUNK = 100;

/** The pipeline's HaloPSA port over the typed client; every call goes through HaloGate. */
export function haloPort(
  env: Env,
  config: IntegrationConfig,
  options: { maxWaitMs: number },
): HaloPort {
  const halo = haloClient(env, haloSettings(env, config), { maxWaitMs: options.maxWaitMs });
  const ids = async <T extends { id: number; index: number }>(results: Promise<T[]>) =>
    (await results).sort((a, b) => a.index - b.index).map((r) => r.id);
  return {
    createClients: (records, opts) => ids(upsertClients(halo, records, upsertOptions(opts))),
    createSites: (records, opts) => ids(upsertSites(halo, records, upsertOptions(opts))),
    createUsers: (records, opts) =>
      ids(upsertUsers(halo, records as UserWrite[], upsertOptions(opts))),
    createTickets: (records, opts) =>
      ids(upsertTickets(halo, records as TicketWrite[], upsertOptions(opts))),
    getTickets: (list) => getTicketsByIds(halo, list, customFieldIds(config)),
    getUsers: (list) => getUsersByIds(halo, list),
    addActions: (records: ActionWrite[], opts) =>
      ids(addActions(halo, records, { chunkSize: CHUNK, mayExist: opts?.mayExist ?? false })),
  };
}

function upsertOptions(opts: CreateOptions | undefined) {
  return {
    chunkSize: CHUNK,
    mayExist: opts?.mayExist ?? false,
    ...(opts?.floorId !== undefined ? { floorId: opts.floorId } : {}),
  };
}

/**
 * Tickets by id, 100 per call: the list endpoint's `ticketids` filter ("returns only the
 * tickets specified"), with the tenant's custom fields asked for by id since lists leave them
 * out otherwise. Also the DNC push's read before it writes (src/dnc/halopsa.ts).
 */
export async function getTicketsByIds(
  halo: Halo,
  ids: number[],
  cfIds: number[],
): Promise<Map<number, HaloTicketView>> {
  const out = new Map<number, HaloTicketView>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const part = unique.slice(i, i + CHUNK);
    const found = await listTickets(halo, {
      ticketids: part.join(","),
      ...(cfIds.length > 0 ? { include_custom_fields: cfIds.join(",") } : {}),
    });
    for (const t of found) if (part.includes(t.id)) out.set(t.id, ticketView(t));
  }
  return out;
}

function customFieldIds(config: IntegrationConfig): number[] {
  return config.halopsa.custom_fields_enabled ? Object.values(config.halopsa.custom_fields) : [];
}

/**
 * Users by id, in pages of 100 rather than one GET each: HaloPSA has no multi-id filter on
 * `/Users`, so `readByIds` reads the newest users (where recently written people sit), then the
 * list of a client holding several of the rest (`client_id`), and GETs only what is left. A user
 * marked inactive by hand is still read (`includeinactive`), and only a GET's 404 says "deleted".
 */
async function getUsersByIds(halo: Halo, list: HaloUserRef[]): Promise<Map<number, HaloUserView>> {
  const found = await readByIds(
    halo,
    users,
    list.map((u) => ({ id: u.id, parent: u.clientId })),
    { parentParam: "client_id", query: { includeinactive: true } },
  );
  return new Map([...found.values()].map((u) => [u.id, userView(u)]));
}

function scalar(v: unknown): CustomFieldValue | null {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? v : null;
}

function pickFields(record: Record<string, unknown>, names: readonly string[]) {
  const out: Record<string, CustomFieldValue | null> = {};
  for (const n of names) if (n in record) out[n] = scalar(record[n]);
  return out;
}

function userView(u: UserRecord): HaloUserView {
  return { id: u.id, fields: pickFields(u, USER_FIELDS) };
}

function ticketView(t: TicketRecord): HaloTicketView {
  const customfields: Record<number, CustomFieldValue | null> = {};
  const cfs = Array.isArray(t.customfields) ? t.customfields : [];
  for (const cf of cfs) {
    if (typeof cf === "object" && cf !== null && "id" in cf) {
      const id = Number((cf as { id: unknown }).id);
      if (Number.isInteger(id)) customfields[id] = scalar((cf as { value?: unknown }).value);
    }
  }
  const tags = (Array.isArray(t.tags) ? t.tags : []).flatMap((tag) =>
    typeof tag === "object" && tag !== null && typeof (tag as { text?: unknown }).text === "string"
      ? [(tag as { text: string }).text]
      : [],
  );
  return {
    id: t.id,
    tickettype_id: t.tickettype_id ?? 0,
    status_id: t.status_id ?? 0,
    fields: pickFields(t, TICKET_FIELDS),
    customfields,
    tags,
  };
}
