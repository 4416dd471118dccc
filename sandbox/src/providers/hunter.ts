import { Hono } from "hono";
import { API_KEYS, int, json, strings } from "./common";
import type { ProviderState } from "./state";
import { type Company, foldAscii, type Person, universe } from "./universe";

/**
 * Hunter.io v2 simulator (providers.md §3): key in `api_key` or `X-API-KEY`, `{data, meta}` on
 * success and `{errors:[{id, code, details}]}` on failure. Domain search pages with
 * `limit` (≤ 100, or the `max_limit` knob for free plans) and `offset`, `meta.results` the total;
 * one search is charged per 1–10 emails returned. Email finder answers 451 `claimed_email` for
 * people who asked not to be processed, and so does the email verifier. 403 = rate limit (15/s), 429 = monthly quota spent.
 * No Retry-After or rate headers (providers.md §3.5).
 */

const DOMAIN = "GET /v2/domain-search";
const FINDER = "GET /v2/email-finder";
const ACCOUNT = "GET /v2/account";
const VERIFIER = "GET /v2/email-verifier";

const CLAIMED_DETAILS =
  "The person owning the email address asked us directly or indirectly to stop the processing of their personal data. For this reason, you shouldn't process it yourself in any way.";

const fail = (status: number, id: string, details: string) =>
  json({ errors: [{ id, code: status, details }] }, status);

function sources(p: Person) {
  return [
    {
      domain: p.company.domain,
      uri: `http://${p.company.domain}/team`,
      extracted_on: "2025-03-02",
      last_seen_on: p.refreshedAt.slice(0, 10),
      still_on_page: true,
    },
  ];
}

function personalEmail(p: Person) {
  return {
    value: p.email,
    type: "personal",
    confidence: p.confidence,
    sources: sources(p),
    first_name: p.firstName,
    last_name: p.lastName,
    position: p.title,
    position_raw: p.title,
    seniority: p.hunterSeniority,
    department: p.department,
    linkedin: p.index % 2 === 0 ? p.linkedinUrl : null,
    twitter: null,
    phone_number: null,
    verification: {
      date: p.refreshedAt.slice(0, 10),
      status: p.emailStatus === "verified" ? "valid" : "accept_all",
    },
  };
}

function genericEmails(c: Company) {
  return ["info", "sales"].map((local) => ({
    value: `${local}@${c.domain}`,
    type: "generic",
    confidence: 88,
    sources: [],
    first_name: null,
    last_name: null,
    position: null,
    position_raw: null,
    seniority: null,
    department: local === "sales" ? "sales" : null,
    linkedin: null,
    twitter: null,
    phone_number: null,
    verification: { date: null, status: null },
  }));
}

export function hunterRoutes(s: ProviderState): Hono {
  const app = new Hono();

  const answer = (route: string, res: Response, detail: Record<string, unknown> = {}) => {
    s.record("hunter", route, res.status, detail);
    return res;
  };

  /** Auth, injected faults, the per-second limit (403) and the monthly quota (429). */
  const gate = (req: Request, route: string, charges: boolean): Response | null => {
    const url = new URL(req.url);
    const key = req.headers.get("x-api-key") || url.searchParams.get("api_key");
    if (!key || !API_KEYS.hunter.includes(key)) {
      return fail(401, "authentication_failed", "No user found for the API key supplied");
    }
    const k = s.knobs().hunter;
    const injected = s.takeInjection("hunter", route);
    if (injected?.status === 403)
      return fail(403, "too_many_requests", "You have reached the rate limit");
    if (injected?.status === 429) {
      return fail(
        429,
        "too_many_requests",
        "You've reached the limit for the number of searches per billing period included in your plan.",
      );
    }
    if (injected) return fail(injected.status, "server_error", "Injected failure");
    if (!s.fixedWindow("hunter", "second", 1_000, k.per_second, true).allowed) {
      return fail(403, "too_many_requests", "You have reached the rate limit");
    }
    if (charges && s.counters("hunter").credits >= k.quota) {
      return fail(
        429,
        "too_many_requests",
        "You've reached the limit for the number of searches per billing period included in your plan.",
      );
    }
    return null;
  };

  const claimedLater = (email: string) =>
    s
      .knobs()
      .hunter.claimed_emails.some((e) => e.trim().toLowerCase() === email.trim().toLowerCase());

  const companyFor = (domain: string, name: string): Company | undefined => {
    const companies = universe(s.knobs().seed).companies;
    if (domain) return companies.find((c) => c.domain === domain);
    return companies.find((c) => c.name.toLowerCase().startsWith(name));
  };

  app.get("/v2/domain-search", (c) => {
    const refused = gate(c.req.raw, DOMAIN, true);
    if (refused) return answer(DOMAIN, refused);
    const q = new URL(c.req.url).searchParams;
    const domain = (q.get("domain") ?? "").trim().toLowerCase();
    const companyName = (q.get("company") ?? "").trim().toLowerCase();
    if (!domain && !companyName) {
      return answer(DOMAIN, fail(400, "wrong_params", "You are missing the domain parameter"));
    }
    const k = s.knobs().hunter;
    const limit = int(q.get("limit"), 10);
    const offset = int(q.get("offset"), 0);
    if (limit < 1 || limit > k.max_limit) {
      return answer(
        DOMAIN,
        fail(
          400,
          "pagination_error",
          `The parameter 'limit' should be a positive integer not greater than ${k.max_limit}.`,
        ),
      );
    }
    if (offset < 0) {
      return answer(
        DOMAIN,
        fail(400, "pagination_error", "The parameter 'offset' should be a positive integer."),
      );
    }
    const company = companyFor(domain, companyName);
    const type = q.get("type");
    const seniority = strings(q.get("seniority"));
    const departments = strings(q.get("department"));
    // Claimed addresses are never served (providers.md §3.3).
    const people = company
      ? universe(s.knobs().seed).people.filter(
          (p) =>
            p.company === company &&
            !p.claimed &&
            (seniority.length === 0 || seniority.includes(p.hunterSeniority)) &&
            (departments.length === 0 || departments.includes(p.department)),
        )
      : [];
    const all = [
      ...(type === "generic" ? [] : people.map(personalEmail)),
      ...(type === "personal" || !company || seniority.length > 0 ? [] : genericEmails(company)),
    ];
    const emails = all.slice(offset, offset + limit);
    // "1 search request is counted from 1 to 10 email addresses found" (providers.md §3.2).
    const searches = Math.ceil(emails.length / 10);
    s.charge(
      "hunter",
      searches,
      emails.map((e) => e.value),
    );
    const c2 = company;
    return answer(
      DOMAIN,
      json({
        data: {
          domain: c2?.domain ?? domain,
          disposable: false,
          webmail: false,
          accept_all: c2 ? c2.index % 5 === 0 : false,
          pattern: c2?.pattern ?? null,
          organization: c2?.name ?? null,
          description: c2 ? `${c2.name} is a ${c2.industry} company.` : null,
          industry: c2?.industry ?? null,
          twitter: null,
          facebook: null,
          linkedin: null,
          instagram: null,
          youtube: null,
          technologies: c2?.technologies ?? [],
          country: c2 ? (c2.country === "United States" ? "US" : null) : null,
          state: null,
          city: c2?.city ?? null,
          postal_code: c2?.postalCode ?? null,
          street: c2?.street ?? null,
          headcount: c2
            ? c2.employees > 1000
              ? "1001-5000"
              : c2.employees > 200
                ? "201-500"
                : "11-50"
            : null,
          company_type: c2 ? "privately held" : null,
          linked_domains: [],
          emails,
        },
        meta: {
          results: all.length,
          limit,
          offset,
          params: {
            domain: domain || null,
            company: companyName || null,
            type,
            seniority: q.get("seniority"),
            department: q.get("department"),
          },
        },
      }),
      { domain: c2?.domain ?? domain, limit, offset, emails: emails.map((e) => e.value) },
    );
  });

  app.get("/v2/email-finder", (c) => {
    const refused = gate(c.req.raw, FINDER, true);
    if (refused) return answer(FINDER, refused);
    const q = new URL(c.req.url).searchParams;
    const domain = (q.get("domain") ?? "").trim().toLowerCase();
    const companyName = (q.get("company") ?? "").trim().toLowerCase();
    const full = (q.get("full_name") ?? "").trim();
    const [f0, ...rest] = full.split(/\s+/);
    const first = foldAscii(q.get("first_name") ?? f0 ?? "");
    const last = foldAscii(q.get("last_name") ?? rest.join(" "));
    if ((!domain && !companyName) || !first || !last) {
      return answer(
        FINDER,
        fail(400, "wrong_params", "You are missing the domain or name parameters"),
      );
    }
    const company = companyFor(domain, companyName);
    const p = universe(s.knobs().seed).people.find(
      (x) =>
        x.company === company && foldAscii(x.firstName) === first && foldAscii(x.lastName) === last,
    );
    if (p && (p.claimed || claimedLater(p.email))) {
      return answer(FINDER, fail(451, "claimed_email", CLAIMED_DETAILS), { claimed: p.email });
    }
    // Charged only when an email is found (providers.md §3.2).
    if (p) s.charge("hunter", 1, [p.email]);
    return answer(
      FINDER,
      json({
        data: {
          first_name: p?.firstName ?? q.get("first_name"),
          last_name: p?.lastName ?? q.get("last_name"),
          email: p?.email ?? null,
          score: p ? p.confidence : null,
          domain: company?.domain ?? domain,
          accept_all: false,
          position: p?.title ?? null,
          twitter: null,
          linkedin_url: p?.linkedinUrl ?? null,
          phone_number: null,
          company: company?.name ?? null,
          sources: p ? sources(p) : [],
          verification: { date: p?.refreshedAt.slice(0, 10) ?? null, status: p ? "valid" : null },
        },
        meta: {
          params: {
            first_name: q.get("first_name"),
            last_name: q.get("last_name"),
            full_name: q.get("full_name"),
            domain: domain || null,
            company: companyName || null,
            max_duration: null,
          },
        },
      }),
      { found: p?.email ?? null },
    );
  });

  // Verification of one address (providers.md §3.2): `status` + `score`; 451 for a claimed one.
  app.get("/v2/email-verifier", (c) => {
    const refused = gate(c.req.raw, VERIFIER, true);
    if (refused) return answer(VERIFIER, refused);
    const email = (new URL(c.req.url).searchParams.get("email") ?? "").trim().toLowerCase();
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
      return answer(VERIFIER, fail(400, "wrong_params", "You are missing the email parameter"));
    }
    const p = universe(s.knobs().seed).people.find((x) => x.email.toLowerCase() === email);
    if (p?.claimed || claimedLater(email)) {
      return answer(VERIFIER, fail(451, "claimed_email", CLAIMED_DETAILS), { claimed: email });
    }
    s.charge("hunter", 1, [email]);
    const valid = p?.emailStatus === "verified";
    return answer(
      VERIFIER,
      json({
        data: {
          status: p ? (valid ? "valid" : "accept_all") : "unknown",
          result: p ? (valid ? "deliverable" : "risky") : "unknown",
          _deprecation_notice: "Using result is deprecated, use status instead",
          score: p ? (valid ? 94 : 70) : 0,
          email,
          regexp: true,
          gibberish: false,
          disposable: false,
          webmail: false,
          mx_records: true,
          smtp_server: true,
          smtp_check: valid,
          accept_all: !valid,
          block: false,
          sources: p ? sources(p) : [],
        },
        meta: { params: { email } },
      }),
      { email },
    );
  });

  // Free: tells a client when its monthly quota resets (providers.md §3.2, "Use GET /account").
  app.get("/v2/account", (c) => {
    const refused = gate(c.req.raw, ACCOUNT, false);
    if (refused) return answer(ACCOUNT, refused);
    const k = s.knobs().hunter;
    const used = s.counters("hunter").credits;
    return answer(
      ACCOUNT,
      json({
        data: {
          first_name: "Sandbox",
          last_name: "Team",
          email: "sandbox@leadbridge.test",
          plan_name: "Growth",
          plan_level: 2,
          reset_date: k.reset_date,
          team_id: 1,
          requests: {
            searches: { used, available: k.quota },
            verifications: { used: 0, available: k.quota * 2 },
          },
          calls: { used, available: k.quota },
        },
      }),
    );
  });

  return app;
}
