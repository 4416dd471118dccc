import type { z } from "zod";
import { safeParseFast } from "../domain/fast-parse";
import { isoString } from "../domain/iso-time";
import { type CanonicalLead, type Issue, LEAD_SOURCES, type LeadSource } from "../domain/lead";
import { type ApolloOptions, apolloPersonToDraft } from "./apollo/normalise";
import { ApolloEnvelopeSchema, ApolloPersonSchema } from "./apollo/schema";
import { genericToDraft } from "./generic/normalise";
import { GenericLeadSchema } from "./generic/schema";
import { hunterDomainEntryToDraft, hunterFinderToDraft } from "./hunter/normalise";
import { HunterDomainSearchSchema, HunterEmailFinderSchema } from "./hunter/schema";
import { finaliseDraft, type LeadDraft } from "./shared/build";
import { zodIssues } from "./shared/fields";
import { zoomInfoContactToDraft } from "./zoominfo/normalise";
import { ZoomInfoContactSchema, ZoomInfoGtmRecordSchema } from "./zoominfo/schema";

export type NormaliseResult =
  | { ok: true; leads: CanonicalLead[]; warnings: Issue[] }
  | { ok: false; issues: Issue[] };

export interface NormaliseOptions {
  apollo?: ApolloOptions;
}

/** Either a draft to finalise or the issues that stopped one record from being read. */
type Extracted = { draft: LeadDraft } | { issues: Issue[] } | { skip: Issue };

export function isLeadSource(value: unknown): value is LeadSource {
  return typeof value === "string" && (LEAD_SOURCES as readonly string[]).includes(value);
}

/**
 * Provider record (native or the generic flat form) → canonical leads. Pure: `now` is passed in
 * and becomes `provenance.fetched_at`. One native record can hold several leads (Hunter domain
 * search: one per email; Apollo `people[]`/`matches[]`; ZoomInfo `data[]`): entries that fail are
 * reported as warnings as long as one lead is read; if none is, the result is `ok: false`.
 */
export function normaliseRecord(
  source: unknown,
  data: unknown,
  now: Date,
  options: NormaliseOptions = {},
): NormaliseResult {
  if (!isLeadSource(source)) {
    return {
      ok: false,
      issues: [
        {
          field: "source",
          code: "unknown_source",
          message: `source must be one of ${LEAD_SOURCES.join(", ")}`,
        },
      ],
    };
  }
  if (!isRecord(data)) {
    return {
      ok: false,
      issues: [
        { field: "data", code: "not_an_object", message: "a lead record must be a JSON object" },
      ],
    };
  }
  const extracted = extract(source, data, now, options);
  const fetchedAt = isoString(now);
  const leads: CanonicalLead[] = [];
  const warnings: Issue[] = [];
  const failures: Issue[] = [];
  for (const e of extracted) {
    if ("skip" in e) {
      warnings.push(e.skip);
      continue;
    }
    if ("issues" in e) {
      failures.push(...e.issues);
      continue;
    }
    const r = finaliseDraft(e.draft, source, fetchedAt);
    if (r.ok) {
      leads.push(r.lead);
      warnings.push(...r.warnings);
    } else {
      failures.push(...r.issues);
    }
  }
  if (leads.length === 0) {
    const issues =
      failures.length > 0
        ? failures
        : [...warnings, { field: "data", code: "no_records", message: "the record holds no lead" }];
    return { ok: false, issues };
  }
  return { ok: true, leads, warnings: [...warnings, ...failures] };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseWith<T extends z.ZodType>(
  schema: T,
  value: unknown,
  path: string,
  build: (v: z.infer<T>) => LeadDraft,
): Extracted {
  const r = safeParseFast(schema, value);
  if (!r.success) return { issues: zodIssues(r.error, path.replace(/\.$/, "")) };
  return { draft: build(r.data) };
}

function extract(
  source: LeadSource,
  data: Record<string, unknown>,
  now: Date,
  options: NormaliseOptions,
): Extracted[] {
  switch (source) {
    case "apollo":
      return extractApollo(data, now, options.apollo ?? {});
    case "zoominfo":
      return extractZoomInfo(data);
    case "hunter":
      return extractHunter(data);
    case "generic":
      return [extractGeneric(data)];
  }
}

function extractGeneric(data: unknown, path = ""): Extracted {
  return parseWith(GenericLeadSchema, data, path, (g) => genericToDraft(g, path));
}

const APOLLO_MARKERS = [
  "last_name_obfuscated",
  "organization",
  "organization_id",
  "contact",
  "seniority",
  "email_status",
  "departments",
  "employment_history",
  "has_direct_phone",
  "contact_stage_id",
];

function extractApollo(data: Record<string, unknown>, now: Date, opts: ApolloOptions): Extracted[] {
  const person = (value: unknown, path: string): Extracted =>
    parseWith(ApolloPersonSchema, value, path, (p) => apolloPersonToDraft(p, path, now, opts));
  if (isRecord(data.person)) return [person(data.person, "person.")];
  for (const key of ["matches", "people", "contacts"] as const) {
    const list = data[key];
    if (Array.isArray(list)) {
      return list.map((p, i) =>
        p === null
          ? { skip: { field: `${key}[${i}]`, code: "no_match", message: "Apollo found no match" } }
          : person(p, `${key}[${i}].`),
      );
    }
  }
  // Only read when neither `person` nor a list answered above: parsing is pure, and the
  // envelope holds `person` again (a second full parse of it on the common path).
  const env = ApolloEnvelopeSchema.safeParse(data);
  if (!env.success) return [{ issues: zodIssues(env.error, "") }];
  if (APOLLO_MARKERS.some((k) => k in data)) return [person(data, "")];
  return [extractGeneric(data)];
}

const ZOOMINFO_MARKERS = [
  "firstName",
  "lastName",
  "jobTitle",
  "companyName",
  "personId",
  "managementLevel",
];

function extractZoomInfo(data: Record<string, unknown>): Extracted[] {
  const legacy = (value: unknown, path: string): Extracted =>
    parseWith(ZoomInfoContactSchema, value, path, (c) =>
      zoomInfoContactToDraft(c, c.id ?? c.personId, "zoominfo.legacy", path),
    );
  const gtm = (value: unknown, path: string): Extracted => {
    const r = safeParseFast(ZoomInfoGtmRecordSchema, value);
    if (!r.success) return { issues: zodIssues(r.error, path.replace(/\.$/, "")) };
    const rec = r.data;
    if (rec.type === "NoMatch" || rec.meta?.matchStatus === "NO_MATCH") {
      return {
        skip: {
          field: path.replace(/\.$/, ""),
          code: "no_match",
          message: "ZoomInfo found no match",
        },
      };
    }
    return {
      draft: zoomInfoContactToDraft(
        rec.attributes ?? {},
        rec.id,
        "zoominfo.gtm",
        `${path}attributes.`,
      ),
    };
  };
  const inner = data.data;
  // Legacy enrich: {success, data:{outputFields, result:[{input, data:[…]}]}}
  if (isRecord(inner) && Array.isArray(inner.result)) {
    const out: Extracted[] = [];
    inner.result.forEach((r, i) => {
      const rows = isRecord(r) && Array.isArray(r.data) ? r.data : [];
      rows.forEach((row, j) => {
        out.push(legacy(row, `data.result[${i}].data[${j}].`));
      });
    });
    return out;
  }
  // Legacy search {maxResults, data:[…]} or GTM {data:[{id,type,attributes}]}
  if (Array.isArray(inner)) {
    return inner.map((row, i) =>
      isRecord(row) && "attributes" in row ? gtm(row, `data[${i}].`) : legacy(row, `data[${i}].`),
    );
  }
  if (isRecord(inner) && "attributes" in inner) return [gtm(inner, "data.")];
  if ("attributes" in data) return [gtm(data, "")];
  if (ZOOMINFO_MARKERS.some((k) => k in data) || isRecord(data.company)) return [legacy(data, "")];
  return [extractGeneric(data)];
}

function extractHunter(data: Record<string, unknown>): Extracted[] {
  const body = isRecord(data.data) ? data.data : data;
  const prefix = body === data ? "" : "data.";
  if (Array.isArray(body.emails)) {
    const r = safeParseFast(HunterDomainSearchSchema, body);
    if (!r.success) return [{ issues: zodIssues(r.error, prefix.replace(/\.$/, "")) }];
    const d = r.data;
    return d.emails.map((e, i) => ({
      draft: hunterDomainEntryToDraft(d, e, `${prefix}emails[${i}].`),
    }));
  }
  if (["score", "sources", "position", "accept_all", "domain"].some((k) => k in body)) {
    return [
      parseWith(HunterEmailFinderSchema, body, prefix, (f) => hunterFinderToDraft(f, prefix)),
    ];
  }
  return [extractGeneric(body, prefix)];
}
