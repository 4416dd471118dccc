import type { CustomFieldKey, IntegrationConfig } from "../config/schema";
import {
  department,
  employeeBucket,
  leadEmployeeCount,
  managementLevel,
  revenueBucket,
} from "./buckets";
import { stripLegalForm } from "./cleanse/company";
import type { Phone } from "./cleanse/phone";
import { isoString } from "./iso-time";
import { type CanonicalLead, formatAddress, SOURCE_LABELS } from "./lead";

/**
 * Canonical lead → HaloPSA payloads. Only properties that HaloPSA's schema defines
 * (reference/data/halo-openapi.json: `Area` for clients, `Site`, `Users`, `Faults` for tickets)
 * are written; the seed's `jobtitle`, `linkedin_url`, `clientname` and `Client.phonenumber` do
 * not exist — the title goes to `Users.title`, the company phone to `Site.phonenumber`, LinkedIn
 * and other extras to `Users.notes` / custom fields. External keys carry our ids so retries can
 * find what they created (DESIGN principle 1): `Area.ref`, `Site.ref`, `Users.third_party_id`,
 * `Faults.third_party_id_string`.
 */
export const HALO_FIELDS = {
  client: ["name", "website", "ref", "notes"],
  site: ["name", "client_id", "phonenumber", "ref"],
  user: [
    "firstname",
    "surname",
    "name",
    "emailaddress",
    "phonenumber",
    "mobilenumber",
    "title",
    "third_party_id",
    "site_id",
    "client_id",
    "notes",
  ],
  ticket: [
    "summary",
    "details",
    "tickettype_id",
    "status_id",
    "priority_id",
    "third_party_id_string",
    "customfields",
    "tags",
    "category_1",
    "category_2",
    "client_id",
    "site_id",
    "user_id",
  ],
} as const;
export type HaloEntity = keyof typeof HALO_FIELDS;

export interface HaloClientPayload {
  name: string;
  website?: string;
  ref: string;
  notes?: string;
}
export interface HaloSitePayload {
  name: string;
  /** Filled by the caller once the client exists. */
  client_id: number | null;
  phonenumber?: string;
  ref: string;
}
export interface HaloUserPayload {
  firstname?: string;
  surname?: string;
  name: string;
  emailaddress?: string;
  phonenumber?: string;
  mobilenumber?: string;
  title?: string;
  third_party_id: string;
  site_id: number | null;
  client_id: number | null;
  notes?: string;
}
export type CustomFieldValue = string | number | boolean;
export interface HaloTicketPayload {
  summary: string;
  details: string;
  tickettype_id: number;
  status_id: number;
  priority_id: number;
  third_party_id_string: string;
  customfields: { id: number; value: CustomFieldValue }[];
  tags: { text: string }[];
  category_1: string;
  category_2: string;
  client_id: number | null;
  site_id: number | null;
  user_id: number | null;
}
export interface HaloPayloads {
  client: HaloClientPayload;
  site: HaloSitePayload;
  user: HaloUserPayload;
  ticket: HaloTicketPayload;
  /** The custom-field values by key (before id lookup), for merge and audit. */
  custom: Partial<Record<CustomFieldKey, CustomFieldValue>>;
}

export interface HaloMappingContext {
  halopsa: Pick<
    IntegrationConfig["halopsa"],
    "custom_fields" | "lifecycle" | "custom_fields_enabled" | "company_legal_suffix"
  >;
  /** Our lead id (or dedup key): → Users.third_party_id and Faults.third_party_id_string. */
  leadId: string;
  /** Our company key: → Area.ref (and Site.ref with a suffix). */
  companyKey: string;
  now: Date;
  qualityScore: number;
  tags: { text: string }[];
  /** A suppression hit forces CF_105 Do Not Contact to true. */
  suppressed?: boolean;
}

/** Technology names an MSP cares about (seed CF_104: "Filter tech stack for MSP relevance"). */
const MSP_RELEVANT =
  /microsoft|office ?365|azure|windows|sharepoint|exchange|teams|aws|amazon web|google (workspace|apps|cloud)|gmail|cloudflare|vmware|citrix|cisco|meraki|fortinet|sophos|crowdstrike|sentinel|okta|duo|veeam|backup|datto|mimecast|proofpoint|rackspace|salesforce|hubspot|zendesk|servicenow|slack|zoom|dropbox|box\b|dell|lenovo|\bhp\b|ubiquiti|wordpress|intercom/i;

const join = (parts: (string | null | undefined | false)[], sep: string): string | null => {
  // The kept parts joined, without the filtered copy: this runs a dozen times per lead.
  let out: string | null = null;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (typeof p !== "string" || p.trim() === "") continue;
    out = out === null ? p : out + sep + p;
  }
  return out;
};

/**
 * CF_101–CF_113 following the seed's per-provider formulas ("Data Enrichment Mapping").
 * Where a seed formula would write data that means something else, we deviate (see comments).
 */
export function customFieldValues(
  lead: CanonicalLead,
  opts: { suppressed?: boolean } = {},
): Partial<Record<CustomFieldKey, CustomFieldValue>> {
  const { person: p, company: c, signals: s, flags: f } = lead;
  const src = lead.provenance.source;
  const out: Partial<Record<CustomFieldKey, CustomFieldValue | null>> = {};

  out.lead_source = SOURCE_LABELS[src];

  switch (src) {
    case "apollo":
      // keywords[] JOIN(', '), fallback industry
      out.services_offered = join([c.keywords.join(", ")], "") ?? c.industry;
      // funding events; the seed's fallback "|| technologies[]" is skipped: CF_106 holds them
      out.growth_signals = join(s.growth, "; ");
      out.project_pipelines = join(
        c.technologies.filter((t) => MSP_RELEVANT.test(t)),
        ", ",
      );
      break;
    case "zoominfo":
      // "industry + ' | ' + companyDescription" (+ keywordTags when present)
      out.services_offered = join([c.industry, c.keywords.join(", "), c.description], " | ");
      // "revenue + ' | ' + employeeCount + ' employees | ' + companyGrowthRate"
      out.growth_signals = join(s.growth, " | ");
      out.project_pipelines = join(c.technologies, ", ");
      break;
    case "hunter":
      // The seed's "pattern + organization" is not a service description; we use the
      // description/industry Hunter sometimes returns, else nothing.
      out.services_offered = join([c.industry, c.description], " | ");
      // "confidence + ' | Email deliverability: ' + webmail"
      out.growth_signals =
        s.email_confidence === null
          ? null
          : `Email confidence ${s.email_confidence}% | Email deliverability: ${
              s.webmail === true ? "webmail" : s.webmail === false ? "company domain" : "unknown"
            }`;
      // "emails[].sources[]"
      out.project_pipelines = join(s.source_urls, ", ");
      break;
    case "generic":
      out.services_offered = join([c.description ?? c.industry], "");
      out.growth_signals = join(s.growth, "; ");
      out.project_pipelines = null;
      break;
  }

  out.do_not_contact =
    f.do_not_contact || f.email_unsubscribed || f.call_opted_out || opts.suppressed === true;
  out.technology_stack = join(c.technologies, ", ");
  // Seed derives Apollo's revenue range from head count; Apollo sends annual_revenue, so we use
  // the real figure and leave the field empty rather than invent one.
  out.revenue_range = revenueBucket(c.revenue);
  out.employee_count_range = employeeBucket(leadEmployeeCount(lead));
  out.management_level = managementLevel(p.seniority, p.title);
  out.department_function = department(p.departments, p.title);
  out.intent_signals = join(
    [
      s.intent_strength && `Intent strength: ${s.intent_strength}`,
      s.intent_topics.length > 0 && `Topics: ${s.intent_topics.join(", ")}`,
      s.recent_job_change === true && "Recent job change",
      src === "hunter" && s.last_seen_at !== null && `Last seen ${s.last_seen_at.slice(0, 10)}`,
      src === "hunter" && p.email_status !== null && `Verification: ${p.email_status}`,
    ],
    " | ",
  );
  out.company_founded_year = c.founded_year;
  out.location_hq = formatAddress(c.hq);

  // The values that are there, in the order set above, by literal keys: stores by computed key
  // past a dozen would make this a slow dictionary-mode object.
  const clean: Partial<Record<CustomFieldKey, CustomFieldValue>> = {};
  if (out.lead_source != null) clean.lead_source = out.lead_source;
  if (out.services_offered != null) clean.services_offered = out.services_offered;
  if (out.growth_signals != null) clean.growth_signals = out.growth_signals;
  if (out.project_pipelines != null) clean.project_pipelines = out.project_pipelines;
  if (out.do_not_contact != null) clean.do_not_contact = out.do_not_contact;
  if (out.technology_stack != null) clean.technology_stack = out.technology_stack;
  if (out.revenue_range != null) clean.revenue_range = out.revenue_range;
  if (out.employee_count_range != null) clean.employee_count_range = out.employee_count_range;
  if (out.management_level != null) clean.management_level = out.management_level;
  if (out.department_function != null) clean.department_function = out.department_function;
  if (out.intent_signals != null) clean.intent_signals = out.intent_signals;
  if (out.company_founded_year != null) clean.company_founded_year = out.company_founded_year;
  if (out.location_hq != null) clean.location_hq = out.location_hq;
  return clean;
}

/**
 * Writes `custom` into `out` as "ticket.cf.<key>" fields, in `custom`'s own order, by literal
 * keys for the thirteen keys customFieldValues sets (in the order it sets them), so `out` stays
 * a fast-mode object (stores by computed key past a dozen turn it into a slow dictionary).
 * A `custom` with any other key or order (none today) takes the general path.
 */
function putCustomFields(
  out: FieldMap,
  custom: Partial<Record<CustomFieldKey, CustomFieldValue>>,
): FieldMap {
  let inOrder = true;
  let last = -1;
  for (const k in custom) {
    const at = CUSTOM_ORDER.get(k);
    if (at === undefined || at <= last) {
      inOrder = false;
      break;
    }
    last = at;
  }
  if (!inOrder) {
    for (const k in custom) out[fieldKey("ticket.cf", k)] = custom[k as CustomFieldKey];
    return { ...out };
  }
  const c = custom;
  if (c.lead_source !== undefined) out["ticket.cf.lead_source"] = c.lead_source;
  if (c.services_offered !== undefined) out["ticket.cf.services_offered"] = c.services_offered;
  if (c.growth_signals !== undefined) out["ticket.cf.growth_signals"] = c.growth_signals;
  if (c.project_pipelines !== undefined) out["ticket.cf.project_pipelines"] = c.project_pipelines;
  if (c.do_not_contact !== undefined) out["ticket.cf.do_not_contact"] = c.do_not_contact;
  if (c.technology_stack !== undefined) out["ticket.cf.technology_stack"] = c.technology_stack;
  if (c.revenue_range !== undefined) out["ticket.cf.revenue_range"] = c.revenue_range;
  if (c.employee_count_range !== undefined)
    out["ticket.cf.employee_count_range"] = c.employee_count_range;
  if (c.management_level !== undefined) out["ticket.cf.management_level"] = c.management_level;
  if (c.department_function !== undefined)
    out["ticket.cf.department_function"] = c.department_function;
  if (c.intent_signals !== undefined) out["ticket.cf.intent_signals"] = c.intent_signals;
  if (c.company_founded_year !== undefined)
    out["ticket.cf.company_founded_year"] = c.company_founded_year;
  if (c.location_hq !== undefined) out["ticket.cf.location_hq"] = c.location_hq;
  return out;
}
/** The keys customFieldValues sets, in its order (putCustomFields writes them in this order). */
const CUSTOM_ORDER = new Map<string, number>(
  [
    "lead_source",
    "services_offered",
    "growth_signals",
    "project_pipelines",
    "do_not_contact",
    "technology_stack",
    "revenue_range",
    "employee_count_range",
    "management_level",
    "department_function",
    "intent_signals",
    "company_founded_year",
    "location_hq",
  ].map((k, i) => [k, i]),
);

function phoneText(p: Phone | null | undefined): string | undefined {
  if (!p) return undefined;
  return p.extension ? `${p.e164} ext. ${p.extension}` : p.e164;
}

function defined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out as T;
}

function companyDisplay(lead: CanonicalLead, legalSuffix: "strip" | "keep"): string {
  const name = lead.company.name;
  return (
    (name !== null && legalSuffix === "strip" ? stripLegalForm(name) : name) ??
    lead.company.domain ??
    // A lead without any company still needs a HaloPSA client; name it after the person.
    `Unknown company (${lead.person.full_name ?? lead.person.email ?? lead.person.phones[0]?.e164 ?? "lead"})`
  );
}

/** The user's notes: what HaloPSA's Users has no field for. */
function userNotesOf(
  p: CanonicalLead["person"],
  directPhone: Phone | undefined,
  location: string | null,
): string | null {
  return join(
    [
      p.linkedin_url && `LinkedIn: ${p.linkedin_url}`,
      p.seniority && `Seniority: ${p.seniority}`,
      p.departments.length > 0 && `Department: ${p.departments.join(", ")}`,
      directPhone && `Phone type: ${directPhone.type}`,
      p.last_name_obfuscated && `Surname (masked by provider): ${p.last_name_obfuscated}`,
      location && `Location: ${location}`,
    ],
    "\n",
  );
}

function directPhoneOf(phones: readonly Phone[]): Phone | undefined {
  for (const x of phones) if (x.type !== "mobile") return x;
  return undefined;
}

function mobilePhoneOf(phones: readonly Phone[]): Phone | undefined {
  for (const x of phones) if (x.type === "mobile") return x;
  return undefined;
}

function ticketSummary(p: CanonicalLead["person"], personName: string, companyName: string) {
  const summaryName = join([p.first_name, p.last_name], " ") ?? personName;
  return `${summaryName} - ${companyName}`;
}

function ticketDetails(label: string, ctx: { now: Date; qualityScore: number }): string {
  return `Lead imported from ${label} on ${isoString(ctx.now)} (data quality ${ctx.qualityScore}/100)`;
}

export function mapLeadToHalo(lead: CanonicalLead, ctx: HaloMappingContext): HaloPayloads {
  const { person: p, company: c } = lead;
  const label = SOURCE_LABELS[lead.provenance.source];
  const companyName = companyDisplay(lead, ctx.halopsa.company_legal_suffix);
  const lc = ctx.halopsa.lifecycle.lead;

  const directPhone = directPhoneOf(p.phones);
  const mobile = mobilePhoneOf(p.phones);
  const personName = p.full_name ?? p.email ?? "Unknown";
  const location = formatAddress(p.location);

  const clientNotes = join(
    [
      `Imported from ${label}`,
      c.industry && `Industry: ${c.industry}`,
      (c.employee_count ?? c.employee_range) !== null &&
        `Employees: ${c.employee_count ?? c.employee_range}`,
      (c.revenue_text ?? c.revenue) !== null && `Revenue: ${c.revenue_text ?? c.revenue}`,
      c.linkedin_url && `LinkedIn: ${c.linkedin_url}`,
    ],
    " | ",
  );
  const userNotes = userNotesOf(p, directPhone, location);

  const custom = customFieldValues(lead, { suppressed: ctx.suppressed });
  const ids = ctx.halopsa.custom_fields;
  const customfields: { id: number; value: CustomFieldValue }[] = [];
  if (ctx.halopsa.custom_fields_enabled)
    for (const k in custom) {
      const key = k as CustomFieldKey;
      customfields.push({ id: ids[key], value: custom[key] as CustomFieldValue });
    }

  return {
    client: defined({
      name: companyName,
      website: c.website ?? undefined,
      ref: ctx.companyKey,
      notes: clientNotes ?? undefined,
    }),
    site: defined({
      // Seed: "{companyName} - Main Office"
      name: `${companyName} - Main Office`,
      client_id: null,
      phonenumber: phoneText(c.phone),
      ref: `${ctx.companyKey}#main`,
    }),
    user: defined({
      firstname: p.first_name ?? undefined,
      surname: p.last_name ?? undefined,
      name: personName,
      emailaddress: p.email ?? undefined,
      // Seed: person phone, else the organisation's phone.
      phonenumber: phoneText(directPhone) ?? phoneText(c.phone),
      mobilenumber: phoneText(mobile),
      title: p.title ?? undefined,
      third_party_id: ctx.leadId,
      site_id: null,
      client_id: null,
      notes: userNotes ?? undefined,
    }),
    ticket: {
      summary: ticketSummary(p, personName, companyName),
      details: ticketDetails(label, ctx),
      tickettype_id: lc.ticket_type_id,
      status_id: lc.statuses.new_lead,
      priority_id: lc.priority_id,
      third_party_id_string: ctx.leadId,
      customfields,
      tags: ctx.tags,
      category_1: "Lead",
      category_2: label,
      client_id: null,
      site_id: null,
      user_id: null,
    },
    custom,
  };
}

/**
 * The person's fields of `mapLeadToHalo` (user and ticket), exactly as
 * `flattenPayloadParts(mapLeadToHalo(lead, ctx)).person` lists them — with `ctx.tags` unused
 * and the custom fields left out unless `ctx.halopsa.custom_fields_enabled` — built directly: a
 * merge needs only these, not the client, site and ticket payloads around them.
 * test/domain/fast-paths-core.test.ts holds both to the same answer.
 */
export function personFieldMap(
  lead: CanonicalLead,
  ctx: Omit<HaloMappingContext, "companyKey" | "tags">,
): FieldMap {
  const { person: p, company: c } = lead;
  const label = SOURCE_LABELS[lead.provenance.source];
  const companyName = companyDisplay(lead, ctx.halopsa.company_legal_suffix);
  const lc = ctx.halopsa.lifecycle.lead;
  const directPhone = directPhoneOf(p.phones);
  const personName = p.full_name ?? p.email ?? "Unknown";
  // flattenPayloadParts keeps string, number and boolean values and leaves out the `…_id`
  // properties (placeholders and external keys) and the ticket's lists; the ticket's three
  // lifecycle ids follow its own fields, then the custom fields. Literal keys keep the map a
  // fast-mode object (stores by a computed key would not).
  const out: FieldMap = {};
  if (p.first_name != null) out["user.firstname"] = p.first_name;
  if (p.last_name != null) out["user.surname"] = p.last_name;
  out["user.name"] = personName;
  if (p.email != null) out["user.emailaddress"] = p.email;
  const phone = phoneText(directPhone) ?? phoneText(c.phone);
  if (phone !== undefined) out["user.phonenumber"] = phone;
  const mobile = phoneText(mobilePhoneOf(p.phones));
  if (mobile !== undefined) out["user.mobilenumber"] = mobile;
  if (p.title != null) out["user.title"] = p.title;
  const notes = userNotesOf(p, directPhone, formatAddress(p.location));
  if (notes !== null) out["user.notes"] = notes;
  out["ticket.summary"] = ticketSummary(p, personName, companyName);
  out["ticket.details"] = ticketDetails(label, ctx);
  out["ticket.third_party_id_string"] = ctx.leadId;
  out["ticket.category_1"] = "Lead";
  out["ticket.category_2"] = label;
  out["ticket.tickettype_id"] = lc.ticket_type_id;
  out["ticket.status_id"] = lc.statuses.new_lead;
  out["ticket.priority_id"] = lc.priority_id;
  if (!ctx.halopsa.custom_fields_enabled) return out;
  return putCustomFields(out, customFieldValues(lead, { suppressed: ctx.suppressed }));
}

/**
 * Flat "entity.field" view of the payloads, the unit the smart merge decides on. Custom fields
 * appear as "ticket.cf.<key>"; placeholders (ids filled by the caller) are left out.
 */
export type FieldMap = Record<string, CustomFieldValue | null | undefined>;

export function flattenPayloads(p: HaloPayloads): FieldMap {
  const { company, person } = flattenPayloadParts(p);
  return { ...company, ...person };
}

/**
 * `flattenPayloads` split by owner: the company's fields (client and site) and the person's
 * (user and ticket), each in the order `flattenPayloads` lists them.
 */
export function flattenPayloadParts(p: HaloPayloads): { company: FieldMap; person: FieldMap } {
  const company: FieldMap = {};
  const person: FieldMap = {};
  putFields("client", p.client, company);
  putFields("site", p.site, company);
  putFields("user", p.user, person);
  putFields("ticket", p.ticket, person);
  person["ticket.tickettype_id"] = p.ticket.tickettype_id;
  person["ticket.status_id"] = p.ticket.status_id;
  person["ticket.priority_id"] = p.ticket.priority_id;
  for (const k in p.custom) person[fieldKey("ticket.cf", k)] = p.custom[k as CustomFieldKey];
  // Built key by key, a map of this many fields ends up in V8's slow dictionary mode; a spread
  // copy is a fast-mode object, which the merge reads and lists several times per lead.
  return { company: { ...company }, person: { ...person } };
}

function putFields(entity: HaloEntity, obj: object, out: FieldMap): void {
  for (const k in obj) {
    if (k === "customfields" || k === "tags" || k.endsWith("_id")) continue;
    const v = (obj as Record<string, unknown>)[k];
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") {
      out[fieldKey(entity, k)] = v;
    }
  }
}

/**
 * "entity.field" names, each made once: these maps are built for every lead, and a key
 * assembled afresh every time would be hashed and interned every time. Bounded: the payload
 * properties and custom-field keys are fixed sets.
 */
const FIELD_KEYS = new Map<string, Map<string, string>>();
function fieldKey(prefix: string, field: string): string {
  let byField = FIELD_KEYS.get(prefix);
  if (byField === undefined) {
    byField = new Map();
    FIELD_KEYS.set(prefix, byField);
  }
  let key = byField.get(field);
  if (key === undefined) {
    key = `${prefix}.${field}`;
    if (byField.size < 256) byField.set(field, key);
  }
  return key;
}
