import { companyCompareKey, foldForKey } from "./cleanse/company";
import { phoneDigits } from "./cleanse/phone";
import { isFreeMailDomain } from "./cleanse/website";
import type { CanonicalLead } from "./lead";

/**
 * The seed's "Deduplication Key Generation": email → company + person name → phone, else none.
 * Differences from the seed's snippet, on purpose:
 * - the email is the normalised one (trim, lowercase, mailto: stripped), so case/whitespace
 *   variants give one key;
 * - names and company are folded unicode-safely (the seed's /[^a-z]/ would erase "Zoë Ångström"
 *   to "zangstrm" and Japanese names to nothing) and the company loses its legal suffix, so
 *   "Acme Inc" and "ACME, Inc." match;
 * - an obfuscated Apollo surname is unknown, so it cannot form a company + person key;
 * - the phone is the first person phone in E.164 (digits only, as the seed).
 */
export type DedupKeyKind = "email" | "company_person" | "phone";
export interface DedupKey {
  kind: DedupKeyKind;
  value: string;
}

export function dedupKey(lead: CanonicalLead): DedupKey | null {
  const p = lead.person;
  if (p.email !== null) return { kind: "email", value: `email:${p.email}` };
  const company = lead.company.name_key ?? companyCompareKey(lead.company.name);
  const first = p.first_name === null ? "" : foldForKey(p.first_name);
  const last = p.last_name === null ? "" : foldForKey(p.last_name);
  if (company !== null && first !== "" && last !== "") {
    return { kind: "company_person", value: `company-person:${company}-${first}${last}` };
  }
  const phone = p.phones[0];
  if (phone !== undefined) return { kind: "phone", value: `phone:${phoneDigits(phone.e164)}` };
  return null;
}

/**
 * Company key, so two people from one company share one HaloPSA client and site: the company's
 * domain, else its cleaned name. Free-mail domains never identify a company.
 */
export type CompanyKeyKind = "domain" | "name";
export interface CompanyKey {
  kind: CompanyKeyKind;
  value: string;
}

export function companyKey(lead: CanonicalLead): CompanyKey | null {
  const domain = lead.company.domain;
  if (domain !== null && !isFreeMailDomain(domain))
    return { kind: "domain", value: `domain:${domain}` };
  const name = lead.company.name_key ?? companyCompareKey(lead.company.name);
  if (name !== null) return { kind: "name", value: `name:${name}` };
  return null;
}
