import { Hono } from "hono";
import { mountApolloContacts } from "./apollo-contacts";
import {
  API_KEYS,
  bigInt,
  bodyObject,
  int,
  json,
  queryObject,
  strings,
  titleMatches,
} from "./common";
import type { ProviderState } from "./state";
import { type Company, obfuscate, type Person, universe } from "./universe";

/**
 * Apollo.io simulator (providers.md §1): `x-api-key` auth, free people search with obfuscated
 * surnames and no emails, credit-charging person enrichment (single and bulk ≤ 10), per-endpoint
 * fixed windows (minute/hour/day) announced in `x-*` headers, and 429 + `retry-after`.
 */

const SEARCH = "POST /api/v1/mixed_people/api_search";
const MATCH = "POST /api/v1/people/match";
const BULK = "POST /api/v1/people/bulk_match";
/** Display limit: 100 per page, 500 pages (providers.md §1.6). */
const MAX_PER_PAGE = 100;
const MAX_ROWS = 50_000;

function searchHit(p: Person) {
  return {
    id: p.apolloId,
    first_name: p.firstName,
    last_name_obfuscated: obfuscate(p.lastName),
    // Some hits carry no title (the vendor's example has `title: null`).
    title: p.index % 17 === 5 ? null : p.title,
    last_refreshed_at: p.refreshedAt.replace("Z", "+00:00"),
    has_email: true,
    has_city: true,
    has_state: p.state !== null,
    has_country: true,
    // A string, not a boolean (providers.md §1.4).
    has_direct_phone: p.directPhone ? "Yes" : "Maybe: please request direct dial via people/match",
    organization: {
      name: p.company.name,
      has_industry: true,
      has_phone: true,
      has_city: true,
      has_state: p.company.state !== null,
      has_country: true,
      has_zip_code: p.company.country === "United States",
      has_revenue: p.company.revenue > 5_000_000,
      has_employee_count: true,
    },
  };
}

function organization(c: Company) {
  return {
    id: c.apolloOrgId,
    name: c.name,
    website_url: `http://www.${c.domain}`,
    linkedin_url: `http://www.linkedin.com/company/${c.domain.split(".")[0]}`,
    primary_phone:
      c.index % 4 === 0 ? {} : { number: c.phone, sanitized_number: c.phone, source: "Owler" },
    phone: c.index % 4 === 0 ? null : c.phone,
    sanitized_phone: c.index % 4 === 0 ? null : c.phone,
    primary_domain: c.domain,
    estimated_num_employees: c.employees,
    founded_year: c.founded,
    industry: c.industry,
    industries: [c.industry],
    keywords: c.keywords,
    technology_names: c.technologies,
    current_technologies: c.technologies.map((name) => ({
      uid: name.toLowerCase().replace(/\W+/g, "_"),
      name,
      category: "Other",
    })),
    raw_address: [c.street, c.city, c.state, c.postalCode, c.country].filter(Boolean).join(", "),
    street_address: c.street,
    city: c.city,
    state: c.state,
    postal_code: c.postalCode,
    country: c.country,
    annual_revenue: c.revenue,
    annual_revenue_printed: `${Math.round(c.revenue / 1_000_000)}M`,
  };
}

function person(p: Person) {
  const departments: Record<string, string> = {
    executive: "c_suite",
    it: "master_information_technology",
    sales: "master_sales",
    marketing: "master_marketing",
    operations: "master_operations",
  };
  return {
    id: p.apolloId,
    first_name: p.firstName,
    last_name: p.lastName,
    name: `${p.firstName} ${p.lastName}`,
    linkedin_url: p.linkedinUrl,
    title: p.title,
    email_status: p.emailStatus,
    photo_url: null,
    twitter_url: null,
    github_url: null,
    facebook_url: null,
    extrapolated_email_confidence: p.emailStatus === "guessed" ? p.confidence / 100 : null,
    headline: `${p.title} at ${p.company.name}`,
    email: p.email,
    organization_id: p.company.apolloOrgId,
    employment_history: [
      {
        current: true,
        organization_id: p.company.apolloOrgId,
        organization_name: p.company.name,
        start_date: `${2010 + (p.index % 14)}-01-01`,
        end_date: null,
        title: p.title,
      },
    ],
    city: p.city,
    state: p.state,
    country: p.country,
    departments: [departments[p.department] ?? "master_operations"],
    subdepartments: [],
    functions: [p.department],
    seniority: p.seniority,
    // Phones are revealed asynchronously through a webhook only (providers.md §1.2).
    phone_numbers: null,
    organization: organization(p.company),
    // A saved contact is nested when the team already has the person; its flags are opt-outs.
    ...(p.emailUnsubscribed
      ? {
          contact: {
            id: p.apolloId.split("").reverse().join(""),
            email: p.email,
            email_unsubscribed: true,
            call_opted_out: null,
            phone_numbers: p.directPhone
              ? [
                  {
                    raw_number: p.directPhone,
                    sanitized_number: p.directPhone,
                    type: null,
                    position: 0,
                    status: "valid_number",
                    dnc_status: p.directPhoneDnc ? "dnc" : null,
                  },
                ]
              : [],
          },
        }
      : {}),
  };
}

/** Employee range filter entries are "min,max" ("1,50", "10001,"). */
function inRanges(employees: number, ranges: string[]): boolean {
  if (ranges.length === 0) return true;
  return ranges.some((r) => {
    const [lo, hi] = r.split(",");
    const min = int(lo, 0);
    const max =
      hi === undefined || hi === "" ? Number.POSITIVE_INFINITY : int(hi, Number.POSITIVE_INFINITY);
    return employees >= min && employees <= max;
  });
}

function search(people: Person[], params: Record<string, unknown>): Person[] {
  const titles = strings(params.person_titles);
  const seniorities = strings(params.person_seniorities).map((s) => s.toLowerCase());
  const domains = strings(params.q_organization_domains_list).map((d) => d.toLowerCase());
  const ranges = strings(params.organization_num_employees_ranges);
  const locations = strings(params.person_locations).map((l) => l.toLowerCase());
  // Any other filter is ignored silently, as Apollo does (providers.md §1.7).
  return people.filter(
    (p) =>
      titleMatches(p.title, titles) &&
      (seniorities.length === 0 || seniorities.includes(p.seniority)) &&
      (domains.length === 0 || domains.includes(p.company.domain)) &&
      inRanges(p.company.employees, ranges) &&
      (locations.length === 0 ||
        locations.some((l) =>
          [p.city, p.state ?? "", p.country].some((v) => v.toLowerCase().includes(l)),
        )),
  );
}

function findPerson(people: Person[], d: Record<string, unknown>): Person | undefined {
  const text = (k: string) =>
    typeof d[k] === "string" ? (d[k] as string).trim().toLowerCase() : "";
  const id = text("id");
  if (id) return people.find((p) => p.apolloId === id);
  const email = text("email");
  if (email) return people.find((p) => p.email === email);
  const linkedin = text("linkedin_url");
  if (linkedin) return people.find((p) => p.linkedinUrl.toLowerCase() === linkedin);
  const first = text("first_name");
  const last = text("last_name");
  const name = text("name");
  const domain = text("domain");
  const org = text("organization_name");
  return people.find(
    (p) =>
      ((first &&
        last &&
        p.firstName.toLowerCase() === first &&
        p.lastName.toLowerCase() === last) ||
        (name && `${p.firstName} ${p.lastName}`.toLowerCase() === name)) &&
      ((domain && p.company.domain === domain) || (org && p.company.name.toLowerCase() === org)),
  );
}

/** Apollo double-encodes its 429 message: the body is a JSON string holding JSON (§1.4). */
function tooMany(route: string, limit: number, retryAfter: number | null): Response {
  const path = route.split(" ")[1]?.replace(/^\//, "") ?? "";
  const message = JSON.stringify(
    {
      message: `The maximum number of api calls allowed for ${path} is ${limit} times per minute. Please upgrade your plan from https://app.apollo.io/#/settings/plans/upgrade.`,
    },
    null,
    4,
  );
  return json(message, 429, retryAfter === null ? {} : { "retry-after": String(retryAfter) });
}

export function apolloRoutes(s: ProviderState): Hono {
  const app = new Hono();

  /** Auth, injected faults and the fixed windows; returns the rate headers or a refusal. */
  const gate = (req: Request, route: string): Response | Headers => {
    const auth = req.headers.get("authorization");
    const key = req.headers.get("x-api-key");
    if (!key || !API_KEYS.apollo.includes(key)) {
      // A plain key as Bearer is refused too (providers.md §1.1); no rate headers on 401/403.
      const message = auth
        ? "Invalid access credentials."
        : "Invalid API key. See https://docs.apollo.io/reference/authentication for how to authenticate.";
      return json({ error: message }, 401);
    }
    const k = s.knobs().apollo;
    // Bulk endpoints get a tenth of the single endpoint's limits (providers.md §1.5).
    const scale = route === BULK ? 10 : 1;
    const limits = {
      minute: Math.max(1, Math.floor(k.minute_limit / scale)),
      hourly: Math.max(1, Math.floor(k.hourly_limit / scale)),
      daily: Math.max(1, Math.floor(k.daily_limit / scale)),
    };
    const injected = s.takeInjection("apollo", route);
    if (injected) {
      if (injected.status === 429)
        return tooMany(route, limits.minute, injected.retry_after_seconds);
      return json({ error: "injected failure" }, injected.status);
    }
    const peek = {
      minute: s.fixedWindow("apollo", `${route}:minute`, 60_000, limits.minute, false),
      hourly: s.fixedWindow("apollo", `${route}:hour`, 3_600_000, limits.hourly, false),
      daily: s.fixedWindow("apollo", `${route}:day`, 86_400_000, limits.daily, false),
    };
    for (const w of [peek.minute, peek.hourly, peek.daily]) {
      if (!w.allowed) return tooMany(route, limits.minute, Math.ceil(w.resetMs / 1000));
    }
    const minute = s.fixedWindow("apollo", `${route}:minute`, 60_000, limits.minute, true);
    const hourly = s.fixedWindow("apollo", `${route}:hour`, 3_600_000, limits.hourly, true);
    const daily = s.fixedWindow("apollo", `${route}:day`, 86_400_000, limits.daily, true);
    const day = k.daily_header_style;
    return new Headers({
      "x-rate-limit-minute": String(limits.minute),
      "x-rate-limit-hourly": String(limits.hourly),
      [`x-rate-limit-${day}`]: String(limits.daily),
      "x-minute-usage": String(minute.used),
      "x-hourly-usage": String(hourly.used),
      [`x-${day}-usage`]: String(daily.used),
      "x-minute-requests-left": String(minute.left),
      "x-hourly-requests-left": String(hourly.left),
      [`x-${day}-requests-left`]: String(daily.left),
    });
  };

  const answer = (route: string, res: Response, detail: Record<string, unknown> = {}) => {
    s.record("apollo", route, res.status, detail);
    return res;
  };

  mountApolloContacts(app, s, gate, answer);

  app.post("/api/v1/mixed_people/api_search", async (c) => {
    const gated = gate(c.req.raw, SEARCH);
    if (gated instanceof Response) return answer(SEARCH, gated);
    const body = await bodyObject(c.req.raw);
    if (body === null) return answer(SEARCH, json({ error: "Invalid JSON body" }, 422));
    // The spec lists the filters as query parameters; the official CLI sends a JSON body.
    const params = { ...queryObject(new URL(c.req.url)), ...body };
    const page = Math.max(1, int(params.page, 1));
    const perPage = Math.min(MAX_PER_PAGE, Math.max(1, int(params.per_page, 10)));
    const hits = search(universe(s.knobs().seed).people, params);
    const start = (page - 1) * perPage;
    const rows = start >= MAX_ROWS ? [] : hits.slice(start, Math.min(start + perPage, MAX_ROWS));
    // Only `total_entries`: api_search has no `pagination` object (providers.md §1.4).
    return answer(
      SEARCH,
      json({ total_entries: hits.length, people: rows.map(searchHit) }, 200, gated),
      {
        page,
        per_page: perPage,
        ids: rows.map((p) => p.apolloId),
      },
    );
  });

  app.post("/api/v1/people/match", async (c) => {
    const gated = gate(c.req.raw, MATCH);
    if (gated instanceof Response) return answer(MATCH, gated);
    const body = await bodyObject(c.req.raw);
    if (body === null) return answer(MATCH, json({ error: "Invalid JSON body" }, 422));
    const found = findPerson(universe(s.knobs().seed).people, {
      ...queryObject(new URL(c.req.url)),
      ...body,
    });
    // One credit for a match, none when nothing is found (providers.md §1.2).
    if (found) s.charge("apollo", 1, [found.apolloId]);
    return answer(MATCH, json({ person: found ? person(found) : null }, 200, gated), {
      ids: found ? [found.apolloId] : [],
    });
  });

  app.post("/api/v1/people/bulk_match", async (c) => {
    const gated = gate(c.req.raw, BULK);
    if (gated instanceof Response) return answer(BULK, gated);
    const body = await bodyObject(c.req.raw);
    const details = Array.isArray(body?.details) ? (body.details as unknown[]) : [];
    if (details.length === 0) {
      return answer(
        BULK,
        json(
          {
            status: "failed",
            error_code: "INVALID_REQUEST",
            error_message: "invalid request, missing details",
          },
          400,
        ),
      );
    }
    if (details.length > 10) {
      return answer(
        BULK,
        json(
          {
            status: "failed",
            error_code: "RECORD_LIMIT_EXCEEDED",
            error_message: "cannot enrich more than 10 in a single request",
          },
          400,
        ),
      );
    }
    const people = universe(s.knobs().seed).people;
    const found = details.map((d) =>
      d !== null && typeof d === "object"
        ? findPerson(people, d as Record<string, unknown>)
        : undefined,
    );
    const hits = found.filter((p): p is Person => p !== undefined);
    s.charge(
      "apollo",
      hits.length,
      hits.map((p) => p.apolloId),
    );
    const calls = s.counters("apollo").calls;
    return answer(
      BULK,
      json(
        {
          status: "success",
          error_code: null,
          error_message: null,
          total_requested_enrichments: details.length,
          unique_enriched_records: hits.length,
          missing_records: details.length - hits.length,
          credits_consumed: hits.length,
          matches: found.map((p) => (p ? person(p) : null)),
          // Larger than 2^53, as in the vendor's example: a client must not read it as a number.
          request_id: bigInt(1_039_995_589_705_121_900n + BigInt(calls)),
        },
        200,
        gated,
      ),
      { ids: hits.map((p) => p.apolloId) },
    );
  });

  return app;
}
