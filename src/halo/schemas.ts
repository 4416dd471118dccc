import { z } from "zod";

// Response schemas. HaloPSA serialises some ids as decimals (`Site.client_id: 21.0`) and some as
// strings (Priority ids), and uses -1 for "not set" (halopsa-api.md §3.3, panoramicdata's
// FlexibleInt32Converter). Reads accept all of these; writes always send integers, since Halo
// rejects `95.0` (CIPP). Objects are loose: HaloPSA sends hundreds of fields we do not model.

/** An id as HaloPSA may send it: 12, 12.0 (JSON parses both to 12) or "12". */
export const HaloId = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^-?\d+(\.0+)?$/),
  ])
  .transform((v) => Number(v))
  .pipe(z.number().int());

const ref = HaloId.nullish();
const text = z.string().nullish();
/** External keys may come back as numbers on tenants that type them as int. */
const externalKey = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .nullish();

export const ClientRecord = z.looseObject({ id: HaloId, name: text, ref: externalKey });
export const SiteRecord = z.looseObject({
  id: HaloId,
  name: text,
  client_id: ref,
  ref: externalKey,
});
export const UserRecord = z.looseObject({
  id: HaloId,
  name: text,
  emailaddress: text,
  site_id: ref,
  client_id: ref,
  third_party_id: externalKey,
});
export const TicketRecord = z.looseObject({
  id: HaloId,
  summary: text,
  tickettype_id: ref,
  status_id: ref,
  client_id: ref,
  site_id: ref,
  user_id: ref,
  third_party_id_string: externalKey,
});
export const ActionRecord = z.looseObject({ id: HaloId, ticket_id: ref, note: text });

export const TicketTypeRecord = z.looseObject({ id: HaloId, name: z.string() });
export const StatusRecord = z.looseObject({
  id: HaloId,
  name: z.string(),
  /** Which ticket types use the status, where the tenant says so. */
  tickettypes: z.array(HaloId).optional(),
});
export const PriorityRecord = z.looseObject({ id: HaloId, name: z.string() });
export const FieldInfoRecord = z.looseObject({
  id: HaloId,
  name: z.string(),
  label: z.string().nullish(),
  type: z.number().nullish(),
});

export type ClientRecord = z.infer<typeof ClientRecord>;
export type SiteRecord = z.infer<typeof SiteRecord>;
export type UserRecord = z.infer<typeof UserRecord>;
export type TicketRecord = z.infer<typeof TicketRecord>;
export type ActionRecord = z.infer<typeof ActionRecord>;
export type TicketTypeRecord = z.infer<typeof TicketTypeRecord>;
export type StatusRecord = z.infer<typeof StatusRecord>;
export type PriorityRecord = z.infer<typeof PriorityRecord>;
export type FieldInfoRecord = z.infer<typeof FieldInfoRecord>;

/**
 * `{record_count, <key>: [...]}`, the list envelope (halopsa-api.md §3.2), read as
 * `{recordCount, items}`.
 */
export function envelope<T extends z.ZodType>(key: string, item: T) {
  return z.preprocess(
    (v) =>
      typeof v === "object" && v !== null && !Array.isArray(v)
        ? {
            recordCount: (v as Record<string, unknown>).record_count,
            items: (v as Record<string, unknown>)[key],
          }
        : v,
    z.object({
      recordCount: z.coerce.number().int().min(0).optional(),
      items: z.array(item),
    }),
  );
}

/** A lookup list: a bare array, or (FieldInfo per HaloAPI) an object holding one. */
export function bareArray<T extends z.ZodType>(item: T, wrapperKey?: string) {
  return z.preprocess(
    (v) =>
      wrapperKey && typeof v === "object" && v !== null && !Array.isArray(v)
        ? (v as Record<string, unknown>)[wrapperKey]
        : v,
    z.array(item),
  );
}
