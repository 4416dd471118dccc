import { z } from "zod";
import { looseBool, looseList, looseNumber, looseText } from "../shared/fields";

/**
 * Hunter.io shapes (providers.md §3.4): domain-search `data` (the domain's organisation plus
 * `emails[]`, one person per entry) and email-finder `data`. Older mocks lack `verification`;
 * newer responses add `verification{date,status}` and `position_raw`.
 */

export const HunterSourceSchema = z.looseObject({
  domain: looseText,
  uri: looseText,
  extracted_on: looseText,
  last_seen_on: looseText,
  still_on_page: looseBool,
});

const Verification = z.looseObject({ date: looseText, status: looseText }).nullish();

export const HunterEmailSchema = z.looseObject({
  value: looseText,
  type: looseText,
  confidence: looseNumber,
  sources: z.array(HunterSourceSchema).nullish(),
  first_name: looseText,
  last_name: looseText,
  position: looseText,
  position_raw: looseText,
  seniority: looseText,
  department: looseText,
  linkedin: looseText,
  twitter: looseText,
  phone_number: looseText,
  verification: Verification,
});
export type HunterEmail = z.infer<typeof HunterEmailSchema>;

export const HunterDomainSearchSchema = z.looseObject({
  domain: looseText,
  disposable: looseBool,
  webmail: looseBool,
  accept_all: looseBool,
  pattern: looseText,
  organization: looseText,
  description: looseText,
  industry: looseText,
  headcount: looseText,
  country: looseText,
  state: looseText,
  city: looseText,
  street: looseText,
  postal_code: looseText,
  technologies: looseList,
  linkedin: looseText,
  emails: z.array(HunterEmailSchema),
});
export type HunterDomainSearch = z.infer<typeof HunterDomainSearchSchema>;

export const HunterEmailFinderSchema = z.looseObject({
  first_name: looseText,
  last_name: looseText,
  email: looseText,
  score: looseNumber,
  domain: looseText,
  accept_all: looseBool,
  position: looseText,
  linkedin_url: looseText,
  twitter: looseText,
  phone_number: looseText,
  company: looseText,
  sources: z.array(HunterSourceSchema).nullish(),
  verification: Verification,
});
export type HunterEmailFinder = z.infer<typeof HunterEmailFinderSchema>;

/** Hunter error envelope; `claimed_email` (HTTP 451) means "do not process" (providers.md §3.3). */
export const HunterErrorSchema = z.looseObject({
  errors: z.array(z.looseObject({ id: looseText, code: looseNumber, details: looseText })),
});
