import type { CanonicalLead } from "../../src/domain/lead";
import { normaliseRecord } from "../../src/providers";

export const NOW = new Date("2026-08-01T12:00:00Z");

/** Builds a canonical lead through the real generic normaliser (so tests use cleansed data). */
export function lead(source: string, data: Record<string, unknown>): CanonicalLead {
  const r = normaliseRecord(source, data, NOW);
  if (!r.ok || r.leads[0] === undefined) throw new Error(JSON.stringify(r));
  return r.leads[0];
}

export const BASE = {
  first_name: "Jane",
  last_name: "Doe",
  email: "jane.doe@acme-example.com",
  company: "Acme Widgets Inc",
  title: "IT Director",
  phone: "+1 415 555 0101",
  website: "https://www.acme-example.com",
  industry: "Hospital & Health Care",
  employee_count: 120,
  country: "United States",
};

/**
 * Jane Doe of Acme as each provider sends her, for tests that merge one person across
 * providers; `person` / `extra` set or override the fields a test cares about.
 */
export function apolloJane(
  person: Record<string, unknown> = {},
  organization: Record<string, unknown> = {},
) {
  return {
    person: {
      id: "ap-1",
      first_name: "Jane",
      last_name: "Doe",
      title: "Head of IT",
      email: "jane@acme-example.com",
      ...person,
      organization: { name: "Acme", primary_domain: "acme-example.com", ...organization },
    },
  };
}

export function zoominfoJane(extra: Record<string, unknown> = {}) {
  return {
    id: 7,
    firstName: "Jane",
    lastName: "Doe",
    email: "jane@acme-example.com",
    company: { name: "Acme", website: "acme-example.com", country: "United States" },
    ...extra,
  };
}

export const HUNTER_JANE = {
  domain: "acme-example.com",
  organization: "Acme",
  emails: [{ value: "jane@acme-example.com", first_name: "Jane", last_name: "Doe" }],
};
