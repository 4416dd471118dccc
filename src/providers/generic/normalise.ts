import { parseConsentFlag } from "../../domain/cleanse/values";
import type { Issue } from "../../domain/lead";
import type { LeadDraft } from "../shared/build";
import { pickExtras } from "../shared/build";
import { type GenericLead, GenericLeadSchema } from "./schema";

const KEYS = Object.keys(GenericLeadSchema.shape);

function techList(v: GenericLead["technologies"]): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === "string") return v.split(/[,;|]/);
  return [];
}

export function genericToDraft(g: GenericLead, path: string): LeadDraft {
  const dncField = g.do_not_contact !== undefined ? "do_not_contact" : "doNotContact";
  const dnc = parseConsentFlag(g.do_not_contact ?? g.doNotContact, `${path}${dncField}`);
  const unsubscribed = parseConsentFlag(g.email_unsubscribed, `${path}email_unsubscribed`);
  const warnings = [dnc.issue, unsubscribed.issue].filter((i): i is Issue => i !== null);
  return {
    shape: "generic",
    record_id: g.id ?? g.external_id,
    person: {
      first: g.first_name ?? g.firstName,
      last: g.last_name ?? g.lastName,
      full: g.full_name ?? g.name,
      title: g.title ?? g.job_title ?? g.jobTitle,
      email: g.email,
      email_status: null,
      phones: [
        { raw: g.phone, type: "direct" },
        { raw: g.mobile ?? g.mobile_phone, type: "mobile" },
      ],
      linkedin: g.linkedin_url ?? g.linkedinUrl,
      seniority: g.management_level ?? g.seniority,
      departments: g.department,
      location: { country: g.country, city: g.city, state: g.state },
    },
    company: {
      name: g.company ?? g.company_name ?? g.companyName,
      website: g.website,
      phone: { raw: g.company_phone, type: "company" },
      industry: g.industry,
      employee_count: g.employee_count ?? g.employees ?? g.headcount,
      revenue_text: g.revenue,
      founded_year: g.founded_year,
      hq: { country: g.country, city: g.city, state: g.state, raw: g.address },
      technologies: techList(g.technologies),
      description: g.description ?? g.services_offered,
    },
    flags: {
      do_not_contact: dnc.set,
      email_unsubscribed: unsubscribed.set,
    },
    warnings,
    extras: pickExtras(g, KEYS),
    paths: {
      email: `${path}email`,
      phone: `${path}phone`,
      company: `${path}company`,
      name: `${path}last_name`,
    },
  };
}
