import { countryToIso2 } from "./cleanse/country";
import {
  emailDomain,
  legacyDomainSpelling,
  legacyEmailSpelling,
  normaliseEmail,
  toAsciiDomain,
} from "./cleanse/email";
import { normalisePhone } from "./cleanse/phone";
import { websiteToDomain } from "./cleanse/website";
import type { CanonicalLead } from "./lead";

/**
 * Suppression matching. The local suppression store is the source of truth (DESIGN: no provider
 * has a suppression API); this module only normalises keys so that storing and checking agree.
 * - email: normalised like lead emails (trim, mailto:, NFC, lower case, domain in ASCII) →
 *   a match whatever the letter case, Unicode composition or domain spelling;
 * - phone: E.164 (a number without "+" needs a country);
 * - domain: bare domain in its ASCII (punycode) form — a domain entry blocks EVERY person at that
 *   domain (company domain or email domain), so it is a deliberate, wide block.
 * Entries stored before domains were converted to ASCII hold the Unicode spelling; a lead's
 * lookup keys include that spelling too, so they keep blocking.
 */
export type SuppressionKind = "email" | "phone" | "domain";

export interface SuppressionKey {
  kind: SuppressionKind;
  value: string;
}

export interface LeadSuppressionKey extends SuppressionKey {
  /** Which lead field produced the key, for the audit trail. */
  field: string;
}

export type SuppressionReason =
  | "provider_email_unsubscribed"
  | "provider_call_opted_out"
  | "provider_do_not_contact"
  | "provider_phone_dnc"
  | "hunter_claimed_email";

export interface SuppressionEntry extends SuppressionKey {
  reason: SuppressionReason | (string & {});
  origin: string;
  created_at: string;
}

export function normaliseSuppressionKey(
  kind: SuppressionKind,
  value: string,
  defaultCountry?: string,
): SuppressionKey | null {
  switch (kind) {
    case "email": {
      const r = normaliseEmail(value);
      return r.kind === "ok" ? { kind, value: r.email } : null;
    }
    case "phone": {
      const n = normalisePhone(value, defaultCountry ? countryToIso2(defaultCountry) : null);
      return n === null ? null : { kind, value: n.e164 };
    }
    case "domain": {
      const d = websiteToDomain(
        value.includes("@") ? value.slice(value.lastIndexOf("@") + 1) : value,
      );
      const ascii = d === null ? null : toAsciiDomain(d);
      return ascii === null ? null : { kind, value: ascii };
    }
  }
}

/**
 * Every key to look up for a lead: its email, its email's domain, every phone, its company
 * domain — each domain in ASCII form plus its pre-ASCII Unicode spelling, if any.
 */
export function leadSuppressionKeys(lead: CanonicalLead): LeadSuppressionKey[] {
  const keys: LeadSuppressionKey[] = [];
  const add = (k: LeadSuppressionKey) => {
    if (!keys.some((x) => x.kind === k.kind && x.value === k.value)) keys.push(k);
  };
  const addDomain = (domain: string, field: string) => {
    const ascii = toAsciiDomain(domain);
    if (ascii !== null) add({ kind: "domain", value: ascii, field });
    const legacy = ascii === null ? null : legacyDomainSpelling(ascii);
    if (legacy !== null) add({ kind: "domain", value: legacy, field });
  };
  const email = lead.person.email;
  if (email !== null) {
    add({ kind: "email", value: email, field: "person.email" });
    const legacy = legacyEmailSpelling(email);
    if (legacy !== null) add({ kind: "email", value: legacy, field: "person.email" });
    const d = emailDomain(email);
    if (d !== null) addDomain(d, "person.email");
  }
  lead.person.phones.forEach((p, i) => {
    add({ kind: "phone", value: p.e164, field: `person.phones[${i}]` });
  });
  if (lead.company.phone !== null) {
    add({ kind: "phone", value: lead.company.phone.e164, field: "company.phone" });
  }
  if (lead.company.domain !== null) addDomain(lead.company.domain, "company.domain");
  return keys;
}

export interface SuppressionMatch {
  key: LeadSuppressionKey;
  entry: SuppressionEntry;
}

/** In-memory matcher (the store queries by the same keys). Entries are re-normalised defensively. */
export function matchSuppressions(
  lead: CanonicalLead,
  entries: readonly SuppressionEntry[],
): SuppressionMatch[] {
  const keys = leadSuppressionKeys(lead);
  const matches: SuppressionMatch[] = [];
  for (const entry of entries) {
    const norm = normaliseSuppressionKey(entry.kind, entry.value);
    if (norm === null) continue;
    for (const key of keys) {
      if (key.kind === norm.kind && key.value === norm.value) matches.push({ key, entry });
    }
  }
  return matches;
}

/**
 * Provider opt-out signals → suppression entries to store (providers.md §4):
 * Apollo `email_unsubscribed` → the email; `call_opted_out` → every person phone; Apollo's
 * "Do Not Contact" stage (flags.do_not_contact) → email and phones; ZoomInfo per-phone DNC
 * (`directPhoneDoNotCall`/`mobilePhoneDoNotCall`) and Apollo `dnc_status` → that phone only.
 */
export function providerOptOutSuppressions(lead: CanonicalLead, now: Date): SuppressionEntry[] {
  const out: SuppressionEntry[] = [];
  const origin = lead.provenance.source;
  const created_at = now.toISOString();
  const push = (kind: SuppressionKind, value: string, reason: SuppressionReason) => {
    if (!out.some((e) => e.kind === kind && e.value === value)) {
      out.push({ kind, value, reason, origin, created_at });
    }
  };
  const f = lead.flags;
  const email = lead.person.email;
  if (email !== null && (f.do_not_contact || f.email_unsubscribed)) {
    push(
      "email",
      email,
      f.do_not_contact ? "provider_do_not_contact" : "provider_email_unsubscribed",
    );
  }
  for (const p of lead.person.phones) {
    if (f.do_not_contact) push("phone", p.e164, "provider_do_not_contact");
    else if (f.call_opted_out) push("phone", p.e164, "provider_call_opted_out");
    else if (p.dnc) push("phone", p.e164, "provider_phone_dnc");
  }
  return out;
}

/** Hunter 451 `claimed_email`: a permanent suppression of that address (providers.md §3.3). */
export function hunterClaimedEmailSuppression(email: string, now: Date): SuppressionEntry | null {
  const key = normaliseSuppressionKey("email", email);
  if (key === null) return null;
  return {
    ...key,
    reason: "hunter_claimed_email",
    origin: "hunter",
    created_at: now.toISOString(),
  };
}
