import { CLOSED_STATUS_IDS, OPPORTUNITY_TYPE_IDS, STATUSES, TICKET_TYPES } from "./lookups";
import type { Issues } from "./sanitize";
import { HALO_FIELDS, type HaloEntity } from "./schema-fields";
import type { HaloRecord, Store } from "./store";

type Filter = (record: HaloRecord, value: string, params: URLSearchParams) => boolean;

export interface FillContext {
  store: Store;
  nowIso: string;
  isCreate: boolean;
  /** Issue key prefix for this item, e.g. "[0]". */
  path: string;
  issues: Issues;
}

/** One HaloPSA list/upsert endpoint. Route names are matched case-insensitively. */
export interface EntityDef {
  route: string;
  entity: HaloEntity;
  /** List envelope key (halopsa-api.md §3.2). */
  envelope: string;
  /** Fields `search=` matches as a case-insensitive substring. */
  searchFields: readonly string[];
  /** Query filters the spec lists for this GET endpoint; other params are ignored, as Halo does. */
  filters: Record<string, Filter>;
  /** Hide `inactive` records unless includeinactive=true (Users, Client, Site). */
  hidesInactive: boolean;
  /** Restricts what the list shows (Opportunities are tickets of opportunity types). */
  scope?: (record: HaloRecord) => boolean;
  /** Server-side defaults, derived fields and required-field checks on the merged record. */
  fill: (record: Record<string, unknown>, ctx: FillContext) => void;
}

const lc = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : "");
const num = (v: string) => (/^-?\d+$/.test(v.trim()) ? Number(v) : Number.NaN);
const eqInt =
  (field: string): Filter =>
  (r, v) =>
    r[field] === num(v);
const contains =
  (...fields: string[]): Filter =>
  (r, v) =>
    fields.some((f) => lc(r[f]).includes(v.toLowerCase()));
const bool = (v: string) => v.toLowerCase() === "true";

/** Keeps only names the schema defines, so search never reads a field Halo does not have. */
const known = (entity: HaloEntity, names: string[]) =>
  names.filter((n) => n in HALO_FIELDS[entity]);

function required(record: Record<string, unknown>, field: string, label: string, ctx: FillContext) {
  const v = record[field];
  if (v === undefined || v === null || (typeof v === "string" && v.trim() === "")) {
    ctx.issues[`${ctx.path}.${field}`] = `The ${label} field is required.`;
  }
}

function nameOf(store: Store, entity: HaloEntity, id: unknown): string | undefined {
  if (typeof id !== "number") return undefined;
  const r = store.get(entity, id);
  return typeof r?.name === "string" ? r.name : undefined;
}

function fillTicket(defaultType: number) {
  return (record: Record<string, unknown>, ctx: FillContext) => {
    if (ctx.isCreate) {
      record.tickettype_id ??= defaultType;
      const type = TICKET_TYPES.find((t) => t.id === record.tickettype_id);
      record.status_id ??= type?.initial_status ?? 1;
      record.priority_id ??= 3;
      record.dateoccurred ??= ctx.nowIso;
      record.datecreated = ctx.nowIso;
      record.deleted = false;
    }
    record.last_update = ctx.nowIso;
    required(record, "summary", "Summary", ctx);
    if (!TICKET_TYPES.some((t) => t.id === record.tickettype_id)) {
      ctx.issues[`${ctx.path}.tickettype_id`] =
        `Ticket Type ${record.tickettype_id} does not exist.`;
    }
    if (!STATUSES.some((s) => s.id === record.status_id)) {
      ctx.issues[`${ctx.path}.status_id`] = `Status ${record.status_id} does not exist.`;
    }
    record.hasbeenclosed = CLOSED_STATUS_IDS.has(Number(record.status_id));
    // Server-filled names, as in the real create reply (client_name, site_name, user_email).
    const clientName = nameOf(ctx.store, "clients", record.client_id);
    if (clientName !== undefined) record.client_name = clientName;
    const siteName = nameOf(ctx.store, "sites", record.site_id);
    if (siteName !== undefined) record.site_name = siteName;
    const user =
      typeof record.user_id === "number" ? ctx.store.get("users", record.user_id) : undefined;
    if (user) {
      record.user_name = user.name;
      if (typeof user.emailaddress === "string") {
        record.user_email = user.emailaddress;
        record.reportedby ??= user.emailaddress;
      }
    }
  };
}

const ticketFilters: Record<string, Filter> = {
  // "Returns only the tickets specified" (spec: comma-separated ids).
  ticketids: (r, v) => v.split(",").map(num).includes(Number(r.id)),
  client_id: eqInt("client_id"),
  site_id: eqInt("site_id"),
  user_id: eqInt("user_id"),
  status_id: eqInt("status_id"),
  agent_id: eqInt("agent_id"),
  // Ticket type is "request type" in list filters; there is no tickettype_id filter (§3.2).
  requesttype_id: eqInt("tickettype_id"),
  requesttype: (r, v, params) =>
    params
      .getAll("requesttype")
      .flatMap((x) => x.split(","))
      .map(num)
      .includes(Number(r.tickettype_id)) || v === "",
  open_only: (r, v) => !bool(v) || r.hasbeenclosed !== true,
  closed_only: (r, v) => !bool(v) || r.hasbeenclosed === true,
  // Newer spec build (covenant TicketsAPI.ts): exact external-key filters.
  third_party_id: eqInt("third_party_id"),
  third_party_id_string: (r, v) => lc(r.third_party_id_string) === v.toLowerCase(),
  search_summary: contains("summary"),
  search_details: contains("details"),
  search_user_name: contains("user_name"),
  search_reportedby: contains("reportedby"),
  search_oppemailaddress: contains("oppemailaddress"),
  search_oppcompanyname: contains("oppcompanyname"),
  search_oppcontactname: contains("oppcontactname"),
};

const ticketSearch = known("tickets", [
  "summary",
  "details",
  "user_name",
  "user_email",
  "reportedby",
  "client_name",
  "site_name",
  "oppcompanyname",
  "oppcontactname",
  "oppemailaddress",
]);

const tickets: EntityDef = {
  route: "tickets",
  entity: "tickets",
  envelope: "tickets",
  searchFields: ticketSearch,
  filters: ticketFilters,
  hidesInactive: false,
  fill: fillTicket(21),
};

const opportunities: EntityDef = {
  ...tickets,
  route: "opportunities",
  scope: (r) => OPPORTUNITY_TYPE_IDS.has(Number(r.tickettype_id)),
  fill: fillTicket(3),
};

const users: EntityDef = {
  route: "users",
  entity: "users",
  envelope: "users",
  // Fuzzy search over name, email and logins (CIPP Get-HaloUser.ps1, §3.2).
  searchFields: known("users", [
    "name",
    "firstname",
    "surname",
    "emailaddress",
    "email2",
    "email3",
    "login",
  ]),
  filters: {
    client_id: eqInt("client_id"),
    site_id: eqInt("site_id"),
    search_phonenumbers: contains(
      ...known("users", ["phonenumber", "mobilenumber", "mobilenumber2", "homenumber"]),
    ),
  },
  hidesInactive: true,
  fill: (record, ctx) => {
    if (record.name === undefined || record.name === null || record.name === "") {
      const parts = [record.firstname, record.surname].filter((p) => typeof p === "string" && p);
      if (parts.length > 0) record.name = parts.join(" ");
    }
    if (ctx.isCreate) record.inactive ??= false;
    required(record, "name", "Name", ctx);
    const site =
      typeof record.site_id === "number" ? ctx.store.get("sites", record.site_id) : undefined;
    if (site) {
      record.site_name = site.name;
      record.client_id = site.client_id;
      record.client_name = site.client_name;
    }
  },
};

const clients: EntityDef = {
  route: "client",
  entity: "clients",
  envelope: "clients",
  searchFields: ["name"],
  filters: {
    // search_name_only narrows `search` to the name; the sandbox's search already is name-only.
  },
  hidesInactive: true,
  fill: (record, ctx) => {
    if (ctx.isCreate) record.inactive ??= false;
    required(record, "name", "Name", ctx);
  },
};

const sites: EntityDef = {
  route: "site",
  entity: "sites",
  envelope: "sites",
  searchFields: ["name", "client_name"],
  filters: { client_id: eqInt("client_id") },
  hidesInactive: true,
  fill: (record, ctx) => {
    if (ctx.isCreate) record.inactive ??= false;
    required(record, "name", "Name", ctx);
    required(record, "client_id", "Client", ctx);
    const clientName = nameOf(ctx.store, "clients", record.client_id);
    if (clientName !== undefined) record.client_name = clientName;
  },
};

const actions: EntityDef = {
  route: "actions",
  entity: "actions",
  envelope: "actions",
  searchFields: ["note", "outcome"],
  filters: { ticket_id: eqInt("ticket_id") },
  hidesInactive: false,
  fill: (record, ctx) => {
    if (ctx.isCreate) record.datetime ??= ctx.nowIso;
    required(record, "ticket_id", "Ticket", ctx);
    if (typeof record.ticket_id === "number" && !ctx.store.get("tickets", record.ticket_id)) {
      ctx.issues[`${ctx.path}.ticket_id`] = `Ticket ${record.ticket_id} does not exist.`;
    }
  },
};

const integrationErrors: EntityDef = {
  route: "integrationerror",
  entity: "integration_errors",
  // Envelope key unverified (no typed response in the spec); Halo's convention is a plural noun.
  envelope: "errors",
  searchFields: ["error", "entity_name", "endpoint"],
  filters: { module_id: eqInt("module_id"), detail_id: eqInt("detail_id") },
  hidesInactive: false,
  fill: (record, ctx) => {
    if (ctx.isCreate) record.date ??= ctx.nowIso;
  },
};

const integrationRequests: EntityDef = {
  route: "integrationrequest",
  entity: "integration_requests",
  envelope: "requests",
  searchFields: ["url", "operation", "type"],
  filters: {
    detail_id: eqInt("details_id"),
    inbound_only: (r, v) => !bool(v) || r.isoutgoing !== true,
    outbound_only: (r, v) => !bool(v) || r.isoutgoing === true,
  },
  hidesInactive: false,
  fill: (record, ctx) => {
    if (ctx.isCreate) record.datelogged ??= ctx.nowIso;
  },
};

export const ENTITY_DEFS: readonly EntityDef[] = [
  tickets,
  opportunities,
  users,
  clients,
  sites,
  actions,
  integrationErrors,
  integrationRequests,
];

export function findEntity(route: string): EntityDef | undefined {
  const r = route.toLowerCase();
  return ENTITY_DEFS.find((d) => d.route === r);
}
