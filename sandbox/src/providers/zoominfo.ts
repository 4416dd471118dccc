import { Hono } from "hono";
import { API_KEYS, bodyObject, int, json, strings, titleMatches } from "./common";
import type { ProviderState } from "./state";
import { type Person, universe } from "./universe";

/**
 * ZoomInfo legacy Enterprise API simulator (providers.md §2): `POST /authenticate` with
 * username + password → a JWT valid 60 minutes (the endpoint allows 1 request/second), then
 * `Authorization: Bearer <jwt>` on `POST /search/contact` (free; `rpp`/`page`, `maxResults`) and
 * `POST /enrich/contact` (≤ 25 inputs, one credit per matched record). Rate limit 1,500/min with
 * `X-RateLimit-*` headers; 429 carries `Retry-After` and error code ZI0004.
 *
 * The username is not checked (LeadBridge keeps one secret, `ZOOMINFO_API_KEY`, sent as
 * `username:password` or as the password alone); the password must be a known dev key.
 */

const AUTH = "POST /authenticate";
const SEARCH = "POST /search/contact";
const ENRICH = "POST /enrich/contact";
const JWTS_KEY = "providers:zoominfo:jwts";

const b64url = (s: string) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** "6/19/2020 1:41 PM": the legacy API's US date format (providers.md §2.4). */
function usDate(iso: string): string {
  const d = new Date(iso);
  const h = d.getUTCHours();
  const hour = h % 12 === 0 ? 12 : h % 12;
  const min = String(d.getUTCMinutes()).padStart(2, "0");
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${hour}:${min} ${h < 12 ? "AM" : "PM"}`;
}

/** US numbers as "(415) 555-0121", others spaced "+44 20 7946 0958" (providers.md §4). */
function displayPhone(e164: string | null): string {
  if (e164 === null) return "";
  if (e164.startsWith("+1") && e164.length === 12) {
    return `(${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}`;
  }
  return `${e164.slice(0, 3)} ${e164.slice(3, 5)} ${e164.slice(5, 9)} ${e164.slice(9)}`.trim();
}

function revenueText(revenue: number): string {
  return revenue >= 1_000_000_000
    ? `$${Math.round(revenue / 1_000_000_000)} Billion`
    : `$${Math.round(revenue / 1_000_000)} Million`;
}

function searchHit(p: Person) {
  return {
    id: p.zoominfoId,
    firstName: p.firstName,
    middleName: "",
    lastName: p.lastName,
    validDate: usDate(p.refreshedAt),
    // Empty string, not null (providers.md §2.4).
    lastUpdatedDate: p.index % 3 === 0 ? "" : usDate(p.refreshedAt),
    jobTitle: p.title,
    contactAccuracyScore: p.accuracyScore,
    hasEmail: true,
    hasSupplementalEmail: p.index % 2 === 0,
    hasDirectPhone: p.directPhone !== null,
    hasMobilePhone: p.mobilePhone !== null,
    hasCompanyIndustry: true,
    hasCompanyPhone: true,
    hasCompanyStreet: true,
    hasCompanyState: p.company.state !== null,
    hasCompanyZipCode: true,
    hasCompanyCountry: true,
    hasCompanyRevenue: true,
    hasCompanyEmployeeCount: true,
    company: { id: p.company.zoominfoCompanyId, name: p.company.name },
  };
}

function enriched(p: Person) {
  const c = p.company;
  const inCalifornia = p.state === "California";
  return {
    id: p.zoominfoId,
    firstName: p.firstName,
    middleName: "",
    lastName: p.lastName,
    email: p.email,
    // A boolean sent as a string (providers.md §2.4).
    hasCanadianEmail: String(p.country === "Canada"),
    phone: displayPhone(p.directPhone),
    directPhoneDoNotCall: p.directPhoneDnc,
    mobilePhone: displayPhone(p.mobilePhone),
    mobilePhoneDoNotCall: false,
    street: c.street,
    city: p.city,
    region: p.state ?? "",
    zipCode: c.postalCode,
    state: p.state ?? "",
    country: p.country,
    personHasMoved: p.index % 5 === 0 ? "Uncertain" : "No",
    withinEu: p.country === "Germany",
    withinCalifornia: inCalifornia,
    withinCanada: p.country === "Canada",
    lastUpdatedDate: usDate(p.refreshedAt),
    noticeProvidedDate: p.index % 4 === 0 ? "Notice not required" : "06/27/2025",
    jobTitle: p.title,
    jobFunction: [
      {
        name: p.department,
        department: p.managementLevel === "C-Level" ? "C-Suite" : p.department,
      },
    ],
    managementLevel: [p.managementLevel],
    externalUrls: [{ type: "linkedin.com", url: p.linkedinUrl }],
    contactAccuracyScore: p.accuracyScore,
    company: {
      id: c.zoominfoCompanyId,
      name: c.name,
      descriptionList: [{ description: `${c.name} is a ${c.industry} company.` }],
      phone: displayPhone(c.phone),
      fax: "",
      street: c.street,
      city: c.city,
      state: c.state ?? "",
      zipCode: c.postalCode,
      country: c.country,
      website: `www.${c.domain}`,
      revenue: revenueText(c.revenue),
      revenueNumeric: Math.round(c.revenue / 1000),
      employeeCount: c.employees,
      primaryIndustry: [c.industry],
      foundedYear: String(c.founded),
    },
  };
}

function matches(people: Person[], input: Record<string, unknown>): Person | undefined {
  const text = (k: string) => {
    const v = input[k];
    return typeof v === "string" || typeof v === "number" ? String(v).trim().toLowerCase() : "";
  };
  const personId = text("personId");
  if (personId) return people.find((p) => String(p.zoominfoId) === personId);
  const email = text("emailAddress");
  if (email) return people.find((p) => p.email === email);
  const first = text("firstName");
  const last = text("lastName");
  const full = text("fullName");
  const company = text("companyName");
  const companyId = text("companyId");
  return people.find(
    (p) =>
      ((first &&
        last &&
        p.firstName.toLowerCase() === first &&
        p.lastName.toLowerCase() === last) ||
        (full && `${p.firstName} ${p.lastName}`.toLowerCase() === full)) &&
      ((company && p.company.name.toLowerCase() === company) ||
        (companyId && String(p.company.zoominfoCompanyId) === companyId)),
  );
}

function search(people: Person[], f: Record<string, unknown>): Person[] {
  const titles = strings(f.jobTitle);
  const levels = strings(f.managementLevel).map((l) => l.toLowerCase());
  const companyNames = strings(f.companyName).map((n) => n.toLowerCase());
  const companyIds = strings(typeof f.companyId === "number" ? String(f.companyId) : f.companyId);
  const countries = strings(f.country).map((c) => c.toLowerCase());
  const minScore = int(f.contactAccuracyScoreMin, 0);
  return people.filter(
    (p) =>
      titleMatches(p.title, titles) &&
      (levels.length === 0 ||
        levels.some((l) => p.managementLevel.toLowerCase().startsWith(l.replace(/s$/, "")))) &&
      (companyNames.length === 0 ||
        companyNames.some((n) => p.company.name.toLowerCase().includes(n))) &&
      (companyIds.length === 0 || companyIds.includes(String(p.company.zoominfoCompanyId))) &&
      (countries.length === 0 || countries.includes(p.country.toLowerCase())) &&
      p.accuracyScore >= minScore,
  );
}

const error = (status: number, code: string, message: string, headers?: HeadersInit) =>
  json({ error: { code, message, status, retryable: status === 429 } }, status, headers);

export function zoominfoRoutes(s: ProviderState): Hono {
  const app = new Hono();

  const answer = (route: string, res: Response, detail: Record<string, unknown> = {}) => {
    s.record("zoominfo", route, res.status, detail);
    return res;
  };

  /** Token check, injected faults, then the per-minute window; rate headers or a refusal. */
  const gate = (req: Request, route: string): Response | Headers => {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "")?.[1];
    const expiry = token ? s.kvGet<Record<string, number>>(JWTS_KEY)?.[token] : undefined;
    if (expiry === undefined || expiry <= s.now()) {
      return error(401, "ZI0001", "Invalid or expired token");
    }
    const k = s.knobs().zoominfo;
    const injected = s.takeInjection("zoominfo", route);
    if (injected) {
      const retry = injected.retry_after_seconds;
      return injected.status === 429
        ? error(429, "ZI0004", "Rate limit exceeded", {
            ...(retry === null ? {} : { "Retry-After": String(retry) }),
            "X-RateLimit-Rejected-Bucket": "minute",
          })
        : error(injected.status, "ZI5000", "Injected failure");
    }
    const w = s.fixedWindow("zoominfo", "minute", 60_000, k.minute_limit, true);
    if (!w.allowed) {
      return error(429, "ZI0004", "Rate limit exceeded", {
        "Retry-After": String(Math.ceil(w.resetMs / 1000)),
        "X-RateLimit-Rejected-Bucket": "minute",
        "X-RateLimit-Limit": String(k.minute_limit),
        "X-RateLimit-Remaining": "0",
      });
    }
    return new Headers({
      "X-RateLimit-Limit": String(k.minute_limit),
      "X-RateLimit-Remaining": String(w.left),
      "X-RateLimit-Reset": String(Math.ceil(w.resetMs / 1000)),
    });
  };

  app.post("/authenticate", async (c) => {
    const body = await bodyObject(c.req.raw);
    const password = typeof body?.password === "string" ? body.password : "";
    const username = typeof body?.username === "string" ? body.username : "";
    if (!username || !API_KEYS.zoominfo.includes(password)) {
      return answer(AUTH, error(401, "ZI0001", "Invalid username or password"));
    }
    // 1 request per second on /authenticate (providers.md §2.1).
    const w = s.fixedWindow("zoominfo", "authenticate", 1_000, 1, true);
    if (!w.allowed) {
      return answer(AUTH, error(429, "ZI0004", "Rate limit exceeded", { "Retry-After": "1" }));
    }
    const k = s.knobs().zoominfo;
    const iat = Math.floor(s.now() / 1000);
    const payload = { iss: "sandbox-zoominfo", sub: username, iat, exp: iat + k.jwt_ttl_seconds };
    const jwt = `${b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${b64url(JSON.stringify(payload))}.${b64url(crypto.randomUUID())}`;
    const now = s.now();
    const live = Object.fromEntries(
      Object.entries(s.kvGet<Record<string, number>>(JWTS_KEY) ?? {}).filter(
        ([, exp]) => exp > now,
      ),
    );
    live[jwt] = now + k.jwt_ttl_seconds * 1000;
    s.kvSet(JWTS_KEY, live);
    return answer(AUTH, json({ jwt }));
  });

  app.post("/search/contact", async (c) => {
    const gated = gate(c.req.raw, SEARCH);
    if (gated instanceof Response) return answer(SEARCH, gated);
    const body = await bodyObject(c.req.raw);
    if (body === null) return answer(SEARCH, error(400, "PFAPI0001", "Invalid JSON body"));
    const rpp = int(body.rpp, 25);
    const page = int(body.page, 1);
    if (rpp < 1 || rpp > 100)
      return answer(SEARCH, error(400, "PFAPI0003", "rpp must be between 1 and 100"));
    if (page < 1 || page > 1000) {
      return answer(
        SEARCH,
        error(400, "PFAPI0002", "Page number cannot be greater than max value 1000"),
      );
    }
    const hits = search(universe(s.knobs().seed).people, body);
    const rows = hits.slice((page - 1) * rpp, page * rpp);
    return answer(
      SEARCH,
      json(
        {
          maxResults: hits.length,
          totalResults: rows.length,
          currentPage: page,
          data: rows.map(searchHit),
        },
        200,
        gated,
      ),
      { page, rpp, ids: rows.map((p) => String(p.zoominfoId)) },
    );
  });

  app.post("/enrich/contact", async (c) => {
    const gated = gate(c.req.raw, ENRICH);
    if (gated instanceof Response) return answer(ENRICH, gated);
    const body = await bodyObject(c.req.raw);
    const inputs = Array.isArray(body?.matchPersonInput)
      ? (body.matchPersonInput as unknown[])
      : [];
    if (inputs.length === 0 || inputs.length > 25) {
      return answer(ENRICH, error(400, "PFAPI0005", "matchPersonInput must hold 1 to 25 inputs"));
    }
    const people = universe(s.knobs().seed).people;
    const found = inputs.map((i) =>
      i !== null && typeof i === "object"
        ? matches(people, i as Record<string, unknown>)
        : undefined,
    );
    const hits = found.filter((p): p is Person => p !== undefined);
    // One credit per record returned; no charge on a no-match (providers.md §2.2).
    s.charge(
      "zoominfo",
      hits.length,
      hits.map((p) => String(p.zoominfoId)),
    );
    const outputFields = Array.isArray(body?.outputFields) ? body.outputFields : [];
    return answer(
      ENRICH,
      json(
        {
          success: true,
          data: {
            outputFields: [outputFields.map((f) => String(f).toLowerCase())],
            result: inputs.map((input, i) => {
              const p = found[i];
              return p
                ? { input, data: [enriched(p)], matchStatus: "FULL_MATCH" }
                : { input, data: [], matchStatus: "NO_MATCH" };
            }),
          },
        },
        200,
        gated,
      ),
      { ids: hits.map((p) => String(p.zoominfoId)) },
    );
  });

  return app;
}
