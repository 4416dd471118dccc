import type {
  CustomFieldValue,
  HaloClientPayload,
  HaloSitePayload,
  HaloTicketPayload,
  HaloUserPayload,
} from "../domain/halo-mapping";
import type { ActionWrite } from "../halo/writes";

/**
 * What the import pipeline needs from HaloPSA, and nothing more. Implemented over the HaloPSA
 * client (every call through HaloGate); tests may implement it over the sandbox too.
 *
 * The create methods take records carrying their external key (`ref`, `third_party_id`,
 * `third_party_id_string`) and return HaloPSA ids in input order. They must be safe to call
 * again after an uncertain failure: the implementation looks records up by external key before
 * re-creating them.
 */
export interface HaloPort {
  createClients(records: HaloClientPayload[], opts?: CreateOptions): Promise<number[]>;
  createSites(
    records: (HaloSitePayload & { client_id: number })[],
    opts?: CreateOptions,
  ): Promise<number[]>;
  /**
   * Users and tickets take creates and updates in one array (HaloPSA's POST is an upsert: a
   * record with an `id` updates it), so a batch's merges ride along with its creates.
   */
  createUsers(
    records: (HaloUserPayload | HaloRecordUpdate)[],
    opts?: CreateOptions,
  ): Promise<number[]>;
  createTickets(
    records: (HaloTicketPayload | HaloRecordUpdate)[],
    opts?: CreateOptions,
  ): Promise<number[]>;
  /** Current state of tickets and users, for the smart merge. Missing ids are left out. */
  getTickets(ids: number[]): Promise<Map<number, HaloTicketView>>;
  /** Users by id; the client each was written at lets several be read in one list call. */
  getUsers(users: HaloUserRef[]): Promise<Map<number, HaloUserView>>;
  /**
   * Private notes (Actions) on tickets, one array POST per 100. `mayExist` looks each note up
   * on its ticket by its exact text first, for notes an earlier attempt may have written.
   */
  addActions(records: ActionWrite[], opts?: CreateOptions): Promise<number[]>;
}

export interface CreateOptions {
  /**
   * An earlier attempt may have created these records without recording their ids: look them
   * up by external key first (among the newest records, then one read per key still unsettled).
   */
  mayExist?: boolean;
  /**
   * A HaloPSA id of this entity known to exist before this call: an uncertain POST is resolved
   * by listing the records newer than it (a page or two) instead of one lookup per record.
   */
  floorId?: number;
}

export interface HaloRecordUpdate {
  id: number;
  [field: string]: unknown;
}

export interface HaloTicketView {
  id: number;
  tickettype_id: number;
  status_id: number;
  fields: Record<string, CustomFieldValue | null>;
  customfields: Record<number, CustomFieldValue | null>;
  tags: string[];
}

export interface HaloUserRef {
  id: number;
  clientId: number | null;
}

export interface HaloUserView {
  id: number;
  fields: Record<string, CustomFieldValue | null>;
}
