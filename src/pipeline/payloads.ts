import type { IntegrationConfig } from "../config/schema";
import {
  type FieldMap,
  flattenPayloadParts,
  type HaloMappingContext,
  type HaloPayloads,
  mapLeadToHalo,
  personFieldMap,
} from "../domain/halo-mapping";
import type { CanonicalLead } from "../domain/lead";
import { assignLists } from "../domain/lists";
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
  const halopsa = config.halopsa;
  const payloads = mapLeadToHalo(lead, {
    halopsa: mappingSettings(config, options),
    leadId: ids.leadId,
    companyKey: ids.companyKey,
    now,
    qualityScore: score,
    tags,
  });
  if (!halopsa.custom_fields_enabled || !options.custom_fields) payloads.custom = {};
  // Only the person's own records are merged (user and ticket); a known company's client and
  // site are shared, so their fields are kept apart.
  const { company, person } = flattenPayloadParts(payloads);
  return { payloads, lists, personFields: person, companyFields: company };
}

export interface PersonFields {
  lists: string[];
  /** The person's fields (user and ticket) as the merge sees them: `buildPayloads`' own. */
  personFields: FieldMap;
}

/**
 * What a merge of a known person needs from `buildPayloads` — the lists and the person's fields,
 * the same values — without building the client, site and ticket payloads it would not send.
 */
export function buildPersonFields(
  lead: CanonicalLead,
  score: number,
  leadId: string,
  config: IntegrationConfig,
  options: ImportOptions,
  now: Date,
): PersonFields {
  const { lists } = assignLists(lead, score, config.lists);
  const personFields = personFieldMap(lead, {
    halopsa: mappingSettings(config, options),
    leadId,
    now,
    qualityScore: score,
  });
  return { lists, personFields };
}

/** The four settings the mapping reads (HaloMappingContext), not a copy of all of them. */
function mappingSettings(
  config: IntegrationConfig,
  options: ImportOptions,
): HaloMappingContext["halopsa"] {
  const halopsa = config.halopsa;
  return {
    custom_fields: halopsa.custom_fields,
    lifecycle: halopsa.lifecycle,
    custom_fields_enabled: halopsa.custom_fields_enabled && options.custom_fields,
    company_legal_suffix: halopsa.company_legal_suffix,
  };
}
