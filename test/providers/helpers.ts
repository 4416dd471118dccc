import { expect } from "vitest";
import type { CanonicalLead } from "../../src/domain/lead";
import { type NormaliseOptions, type NormaliseResult, normaliseRecord } from "../../src/providers";

export const NOW = new Date("2026-08-01T12:00:00Z");

export function leadsOf(result: NormaliseResult): CanonicalLead[] {
  if (!result.ok) throw new Error(`expected ok, got issues ${JSON.stringify(result.issues)}`);
  return result.leads;
}

export function oneLead(source: string, data: unknown, options?: NormaliseOptions): CanonicalLead {
  const leads = leadsOf(normaliseRecord(source, data, NOW, options));
  expect(leads).toHaveLength(1);
  const [lead] = leads;
  if (lead === undefined) throw new Error("no lead");
  return lead;
}
