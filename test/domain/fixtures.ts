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
