import { z } from "zod";

// What LeadBridge writes, as strict shapes: every key is a property HaloPSA's own schema defines
// (reference/data/halo-openapi.json: `Area`, `Site`, `Users`, `Faults`, `Actions`), so the client
// cannot send an invented field such as the seed's `jobtitle`, `clientname` or `linkedin_url`
// (halopsa-api.md §3.3). External keys: `ref` on clients and sites, `third_party_id` on users,
// `third_party_id_string` on tickets (DESIGN principle 1). Ids are integers (Halo rejects 95.0).

const id = z.number().int();
/** A reference not known yet is null in the domain's payloads; nulls are never sent. */
const ref = id.nullish();
const str = z.string().nullish();
/**
 * Required on create, but an update (`id` set) merges into the stored record and may leave it
 * out; HaloPSA itself answers 400 for a create without it (§3.5).
 */
const requiredOnCreate = z.string().min(1).optional();

const CustomFieldWrite = z.strictObject({
  id,
  value: z.union([z.string(), z.number(), z.boolean(), z.null()]),
});

export const ClientWrite = z.strictObject({
  id: id.optional(),
  name: requiredOnCreate,
  website: str,
  notes: str,
  ref: str,
  inactive: z.boolean().optional(),
  customfields: z.array(CustomFieldWrite).optional(),
});

export const SiteWrite = z.strictObject({
  id: id.optional(),
  name: requiredOnCreate,
  client_id: ref,
  phonenumber: str,
  ref: str,
  inactive: z.boolean().optional(),
  customfields: z.array(CustomFieldWrite).optional(),
});

export const UserWrite = z.strictObject({
  id: id.optional(),
  name: requiredOnCreate,
  firstname: str,
  surname: str,
  emailaddress: str,
  phonenumber: str,
  mobilenumber: str,
  title: str,
  notes: str,
  site_id: ref,
  client_id: ref,
  third_party_id: str,
  inactive: z.boolean().optional(),
  customfields: z.array(CustomFieldWrite).optional(),
});

export const TicketWrite = z.strictObject({
  id: id.optional(),
  summary: requiredOnCreate,
  details: str,
  details_html: str,
  tickettype_id: id.optional(),
  status_id: id.optional(),
  priority_id: id.optional(),
  client_id: ref,
  site_id: ref,
  user_id: ref,
  category_1: str,
  category_2: str,
  third_party_id_string: str,
  tags: z.array(z.strictObject({ id: id.optional(), text: z.string().optional() })).optional(),
  customfields: z.array(CustomFieldWrite).optional(),
  oppcompanyname: str,
  oppcontactname: str,
  oppemailaddress: str,
  opptel: str,
  oppvalue: z.number().nullish(),
  oppconversionprobability: z.number().nullish(),
  // The opportunity fields lifecycle transitions write (Faults in halo-openapi.json).
  oppcompetitors: str,
  oppproductchosen: str,
  oppreason: str,
  oppconverteddate: str,
  /** Skip the ticket type's template (CIPP's create body, §3.3). */
  donotapplytemplateintheapi: z.boolean().optional(),
  _dont_fire_automations: z.boolean().optional(),
});

export const ActionWrite = z.strictObject({
  id: id.optional(),
  ticket_id: id,
  outcome: str,
  outcome_id: id.optional(),
  note: str,
  note_html: str,
  hiddenfromuser: z.boolean().optional(),
  new_status: id.optional(),
  sendemail: z.boolean().optional(),
  /** When it happened (a logged call's time rather than the POST's), and hours spent. */
  datetime: str,
  timetaken: z.number().nonnegative().optional(),
});

export type ClientWrite = z.input<typeof ClientWrite>;
export type SiteWrite = z.input<typeof SiteWrite>;
export type UserWrite = z.input<typeof UserWrite>;
export type TicketWrite = z.input<typeof TicketWrite>;
export type ActionWrite = z.input<typeof ActionWrite>;

/** Drops null and undefined properties: HaloPSA would store a null over an existing value. */
export function compact<T extends Record<string, unknown>>(item: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(item).filter(([, v]) => v !== null && v !== undefined),
  ) as Partial<T>;
}
