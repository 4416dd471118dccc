import { z } from "zod";
import { looseBool, looseId, looseList, looseNumber, looseText } from "../shared/fields";

/**
 * Apollo.io person shapes (providers.md §1.4): the `person` of `POST /people/match` and of
 * `bulk_match` `matches[]`, hits of `POST /mixed_people/api_search` (`last_name_obfuscated`, no
 * email or phone, `has_direct_phone: "Yes"`), and saved `contacts[]`. Everything nullable, unknown
 * keys pass through, ids are strings or numbers.
 */

export const ApolloPhoneSchema = z.looseObject({
  raw_number: looseText,
  sanitized_number: looseText,
  number: looseText,
  type: looseText,
  status: looseText,
  dnc_status: looseText,
});

export const ApolloFundingEventSchema = z.looseObject({
  date: looseText,
  type: looseText,
  amount: looseText,
  currency: looseText,
});

export const ApolloOrganizationSchema = z.looseObject({
  id: looseId,
  name: looseText,
  website_url: looseText,
  primary_domain: looseText,
  // `{}` when empty (providers.md §1.4), so every key is optional.
  primary_phone: z
    .looseObject({ number: looseText, sanitized_number: looseText, source: looseText })
    .nullish(),
  phone: looseText,
  sanitized_phone: looseText,
  industry: looseText,
  industries: looseList,
  estimated_num_employees: looseNumber,
  founded_year: looseNumber,
  annual_revenue: looseNumber,
  annual_revenue_printed: looseText,
  keywords: looseList,
  technology_names: looseList,
  current_technologies: z.array(z.looseObject({ name: looseText, category: looseText })).nullish(),
  raw_address: looseText,
  street_address: looseText,
  city: looseText,
  state: looseText,
  postal_code: looseText,
  country: looseText,
  linkedin_url: looseText,
  short_description: looseText,
  seo_description: looseText,
  funding_events: z.array(ApolloFundingEventSchema).nullish(),
  intent_strength: looseText,
  buyer_intent_topics: looseList,
});

export const ApolloContactSchema = z.looseObject({
  id: looseId,
  email: looseText,
  email_status: looseText,
  email_unsubscribed: looseBool,
  call_opted_out: looseBool,
  contact_stage_id: looseId,
  phone_numbers: z.array(ApolloPhoneSchema).nullish(),
  sanitized_phone: looseText,
});

export const ApolloEmploymentSchema = z.looseObject({
  current: looseBool,
  start_date: looseText,
  organization_name: looseText,
  title: looseText,
});

export const ApolloPersonSchema = z.looseObject({
  id: looseId,
  first_name: looseText,
  last_name: looseText,
  last_name_obfuscated: looseText,
  name: looseText,
  title: looseText,
  email: looseText,
  email_status: looseText,
  extrapolated_email_confidence: looseNumber,
  linkedin_url: looseText,
  seniority: looseText,
  departments: looseList,
  city: looseText,
  state: looseText,
  country: looseText,
  phone_numbers: z.array(ApolloPhoneSchema).nullish(),
  sanitized_phone: looseText,
  email_unsubscribed: looseBool,
  call_opted_out: looseBool,
  contact_stage_id: looseId,
  organization_name: looseText,
  organization: ApolloOrganizationSchema.nullish(),
  contact: ApolloContactSchema.nullish(),
  employment_history: z.array(ApolloEmploymentSchema).nullish(),
  last_refreshed_at: looseText,
});
export type ApolloPerson = z.infer<typeof ApolloPersonSchema>;

/** `/people/match` → `{person}`; bulk → `{matches}`; search → `{people}`; contacts → `{contacts}`. */
export const ApolloEnvelopeSchema = z.looseObject({
  person: ApolloPersonSchema.nullish(),
  matches: z.array(ApolloPersonSchema.nullable()).nullish(),
  people: z.array(ApolloPersonSchema).nullish(),
  contacts: z.array(ApolloPersonSchema).nullish(),
});
