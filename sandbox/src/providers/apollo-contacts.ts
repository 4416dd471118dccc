import type { Hono } from "hono";
import { bodyObject, int, json, queryObject, strings } from "./common";
import type { ProviderState } from "./state";

/**
 * Apollo's saved contacts and contact stages (providers.md §1.3; shapes from the vendor's
 * examples in reference/data: apollo-contact-stages-response.json, apollo-contacts-search-
 * response.json, apollo-contacts-create-response.json). The only write path to Apollo a
 * Do-Not-Contact decision has: save the person as a contact, move it to the "Do Not Contact"
 * stage. Contacts live in the tenant's storage; `GET /_sandbox/providers/apollo/contacts`
 * shows them (with their stage's name) to tests.
 */

export const CONTACT_STAGES_ROUTE = "GET /api/v1/contact_stages";
export const CONTACTS_SEARCH_ROUTE = "POST /api/v1/contacts/search";
export const CONTACTS_CREATE_ROUTE = "POST /api/v1/contacts";
export const UPDATE_STAGES_ROUTE = "POST /api/v1/contacts/update_stages";

const TEAM_ID = "6095a710bd01d100a506d4ac";
/** The vendor's example stages, ids included; "Do Not Contact" is category "failed". */
export const CONTACT_STAGES = [
  ["6095a710bd01d100a506d4ae", "New", "in_progress", null],
  ["6095a710bd01d100a506d4af", "Approaching", "in_progress", null],
  ["6095a710bd01d100a506d4b0", "Replied", "in_progress", null],
  ["6095a710bd01d100a506d4b1", "Interested", "succeeded", true],
  ["6095a710bd01d100a506d4b2", "Not Interested", "failed", true],
  ["6095a710bd01d100a506d4b3", "Unresponsive", "failed", null],
  ["6095a710bd01d100a506d4b4", "Do Not Contact", "failed", true],
].map(([id, name, category, override], i) => ({
  id,
  team_id: TEAM_ID,
  display_name: name,
  name,
  display_order: i,
  ignore_trigger_override: override,
  category,
  is_meeting_set: null,
}));
const NEW_STAGE = "6095a710bd01d100a506d4ae";

interface Contact {
  id: string;
  first_name: string | null;
  last_name: string | null;
  name: string;
  title: string | null;
  email: string | null;
  organization_name: string | null;
  contact_stage_id: string;
  source: "api";
  email_unsubscribed: null;
  created_at: string;
  updated_at: string;
}

const CONTACTS_KEY = "providers:apollo:contacts";

function contacts(s: ProviderState): Contact[] {
  return s.kvGet<Contact[]>(CONTACTS_KEY) ?? [];
}

/** 24 hex digits, like Apollo's ids. */
function newContactId(n: number): string {
  return `66e34b81740c${n.toString(16).padStart(12, "0")}`;
}

const text = (v: unknown): string | null =>
  typeof v === "string" && v.trim() !== "" ? v.trim() : null;

export function mountApolloContacts(
  app: Hono,
  s: ProviderState,
  gate: (req: Request, route: string) => Response | Headers,
  answer: (route: string, res: Response, detail?: Record<string, unknown>) => Response,
): void {
  app.get("/api/v1/contact_stages", (c) => {
    const gated = gate(c.req.raw, CONTACT_STAGES_ROUTE);
    if (gated instanceof Response) return answer(CONTACT_STAGES_ROUTE, gated);
    return answer(CONTACT_STAGES_ROUTE, json({ contact_stages: CONTACT_STAGES }, 200, gated));
  });

  app.post("/api/v1/contacts/search", async (c) => {
    const route = CONTACTS_SEARCH_ROUTE;
    const gated = gate(c.req.raw, route);
    if (gated instanceof Response) return answer(route, gated);
    const body = await bodyObject(c.req.raw);
    if (body === null) return answer(route, json({ error: "Invalid JSON body" }, 422));
    const params = { ...queryObject(new URL(c.req.url)), ...body };
    const q = (text(params.q_keywords) ?? "").toLowerCase();
    const stages = strings(params.contact_stage_ids);
    const hits = contacts(s).filter(
      (k) =>
        (q === "" ||
          [k.name, k.email ?? "", k.organization_name ?? ""].some((v) =>
            v.toLowerCase().includes(q),
          )) &&
        (stages.length === 0 || stages.includes(k.contact_stage_id)),
    );
    const page = Math.max(1, int(params.page, 1));
    const perPage = Math.min(100, Math.max(1, int(params.per_page, 10)));
    const rows = hits.slice((page - 1) * perPage, page * perPage);
    return answer(
      route,
      json(
        {
          contacts: rows,
          breadcrumbs: [],
          partial_results_only: false,
          disable_eu_prospecting: false,
          partial_results_limit: 10000,
          pagination: {
            page,
            per_page: perPage,
            total_entries: hits.length,
            total_pages: Math.ceil(hits.length / perPage),
          },
          num_fetch_result: null,
        },
        200,
        gated,
      ),
      { q_keywords: q, ids: rows.map((k) => k.id) },
    );
  });

  app.post("/api/v1/contacts", async (c) => {
    const route = CONTACTS_CREATE_ROUTE;
    const gated = gate(c.req.raw, route);
    if (gated instanceof Response) return answer(route, gated);
    const body = await bodyObject(c.req.raw);
    if (body === null) return answer(route, json({ error: "Invalid JSON body" }, 422));
    const params = { ...queryObject(new URL(c.req.url)), ...body };
    const email = text(params.email)?.toLowerCase() ?? null;
    const first = text(params.first_name);
    const last = text(params.last_name);
    if (email === null && first === null && last === null) {
      return answer(route, json({ error: "Contact must have a name or an email" }, 422));
    }
    const all = contacts(s);
    const now = new Date(s.now()).toISOString();
    // run_dedupe updates the existing contact in place (providers.md §1.7); without it Apollo
    // saves a second contact.
    const dedupe = params.run_dedupe === true || params.run_dedupe === "true";
    const existing = dedupe && email !== null ? all.find((k) => k.email === email) : undefined;
    let contact: Contact;
    if (existing) {
      existing.first_name = first ?? existing.first_name;
      existing.last_name = last ?? existing.last_name;
      existing.name = [existing.first_name, existing.last_name].filter(Boolean).join(" ");
      existing.organization_name = text(params.organization_name) ?? existing.organization_name;
      existing.updated_at = now;
      contact = existing;
    } else {
      contact = {
        id: newContactId(all.length + 1),
        first_name: first,
        last_name: last,
        name: [first, last].filter(Boolean).join(" "),
        title: text(params.title),
        email,
        organization_name: text(params.organization_name),
        contact_stage_id: text(params.contact_stage_id) ?? NEW_STAGE,
        source: "api",
        email_unsubscribed: null,
        created_at: now,
        updated_at: now,
      };
      all.push(contact);
    }
    s.kvSet(CONTACTS_KEY, all);
    return answer(route, json({ contact }, 200, gated), {
      ids: [contact.id],
      deduplicated: existing !== undefined,
    });
  });

  app.post("/api/v1/contacts/update_stages", async (c) => {
    const route = UPDATE_STAGES_ROUTE;
    const gated = gate(c.req.raw, route);
    if (gated instanceof Response) return answer(route, gated);
    const body = await bodyObject(c.req.raw);
    if (body === null) return answer(route, json({ error: "Invalid JSON body" }, 422));
    const params = { ...queryObject(new URL(c.req.url)), ...body };
    const ids = strings(params.contact_ids);
    const stage = text(params.contact_stage_id);
    if (ids.length === 0 || stage === null) {
      return answer(route, json({ error: "contact_ids and contact_stage_id are required" }, 422));
    }
    if (!CONTACT_STAGES.some((st) => st.id === stage)) {
      return answer(route, json({ error: "Contact stage not found" }, 422));
    }
    const all = contacts(s);
    const now = new Date(s.now()).toISOString();
    const moved = all.filter((k) => ids.includes(k.id));
    for (const k of moved) {
      k.contact_stage_id = stage;
      k.updated_at = now;
    }
    s.kvSet(CONTACTS_KEY, all);
    return answer(route, json({ contacts: moved }, 200, gated), {
      ids: moved.map((k) => k.id),
      contact_stage_id: stage,
    });
  });
}

/** Test view: every saved contact with its stage's name. */
export function apolloContactsView(s: ProviderState) {
  return contacts(s).map((k) => ({
    ...k,
    contact_stage_name: CONTACT_STAGES.find((st) => st.id === k.contact_stage_id)?.name ?? null,
  }));
}

export function resetApolloContacts(s: ProviderState): void {
  s.kvSet(CONTACTS_KEY, []);
}
