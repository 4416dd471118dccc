import type { IntegrationConfig } from "../config/schema";
import {
  type FieldMap,
  flattenPayloads,
  type HaloPayloads,
  mapLeadToHalo,
} from "../domain/halo-mapping";
import type { CanonicalLead } from "../domain/lead";
import { assignLists } from "../domain/lists";
import { personFields } from "./field-views";
import type { ImportOptions } from "./options";

export interface LeadPayloads {
  payloads: HaloPayloads;
  lists: string[];
  /** The person's fields (user and ticket) as the merge sees them. */
  personFields: FieldMap;
  /** The company's fields (client and site), remembered on the company. */
  companyFields: FieldMap;
}

/** HaloPSA payloads and lists for one lead, with the run's options applied. */
export function buildPayloads(
  lead: CanonicalLead,
  score: number,
  ids: { leadId: string; companyKey: string },
  config: IntegrationConfig,
  options: ImportOptions,
  now: Date,
): LeadPayloads {
  const { lists, tags } = assignLists(lead, score, config.lists);
  const payloads = mapLeadToHalo(lead, {
    halopsa: {
      ...config.halopsa,
      custom_fields_enabled: config.halopsa.custom_fields_enabled && options.custom_fields,
    },
    leadId: ids.leadId,
    companyKey: ids.companyKey,
    now,
    qualityScore: score,
    tags,
  });
  if (!config.halopsa.custom_fields_enabled || !options.custom_fields) payloads.custom = {};
  const flat = flattenPayloads(payloads);
  const companyFields: FieldMap = {};
  for (const k in flat)
    if (k.startsWith("client.") || k.startsWith("site.")) companyFields[k] = flat[k];
  return { payloads, lists, personFields: personFields(flat), companyFields };
}
