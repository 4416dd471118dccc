import {
  cleanString,
  cleanStringList,
  parseConsentFlag,
  parseLooseBoolean,
  parseLooseDate,
} from "../../domain/cleanse/values";
import type { Issue } from "../../domain/lead";
import type { LeadDraft, RawPhone } from "../shared/build";
import { pickExtras } from "../shared/build";
import { type ZoomInfoContact, ZoomInfoContactSchema } from "./schema";

const CONTACT_KEYS = Object.keys(ZoomInfoContactSchema.shape);

function firstAlt(alts: { value?: unknown }[] | null | undefined): unknown {
  return alts?.find((a) => cleanString(a.value) !== null)?.value;
}

function list(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  return v === null || v === undefined ? [] : [v];
}

export function zoomInfoContactToDraft(
  c: ZoomInfoContact,
  recordId: unknown,
  shape: string,
  path: string,
): LeadDraft {
  const co = c.company ?? null;
  const flag = (value: unknown, field: string) => parseConsentFlag(value, `${path}${field}`);
  const flags = {
    directDnc: flag(c.directPhoneDoNotCall, "directPhoneDoNotCall"),
    mobileDnc: flag(c.mobilePhoneDoNotCall, "mobilePhoneDoNotCall"),
    doNotEmail: flag(c.doNotEmail, "doNotEmail"),
    doNotCall: flag(c.doNotCall, "doNotCall"),
  };
  const warnings = Object.values(flags)
    .map((f) => f.issue)
    .filter((i): i is Issue => i !== null);
  const directDnc = flags.directDnc.set;
  const mobileDnc = flags.mobileDnc.set;
  const phones: RawPhone[] = [
    // Legacy enrich `phone` is the direct dial (seed: "directPhone || companyPhone").
    { raw: c.directPhone ?? c.directPhoneNumber ?? c.phone, type: "direct", dnc: directDnc },
    { raw: c.mobilePhone, type: "mobile", dnc: mobileDnc },
    { raw: firstAlt(c.directPhoneAlt), type: "direct", dnc: directDnc },
    { raw: firstAlt(c.mobilePhoneAlt), type: "mobile", dnc: mobileDnc },
  ];

  const linkedin =
    c.linkedInUrl ??
    c.externalUrls?.find((u) => /linkedin/i.test(String(u.type ?? u.url ?? "")))?.url;
  const companyLinkedin = co?.socialMediaUrls?.find((u) =>
    /linked/i.test(String(u.type ?? "")),
  )?.url;
  const departments = [...list(c.department), ...(c.jobFunction ?? []).map((j) => j.department)];
  const description =
    co?.description ?? co?.descriptionList?.map((d) => cleanString(d.description)).find(Boolean);
  const revenueText = co?.revenue ?? c.companyRevenue;
  const employees = co?.employeeCount ?? co?.employees ?? c.companyEmployeeCount;
  const growth = [
    cleanString(revenueText) && `Revenue ${cleanString(revenueText)}`,
    cleanString(employees) && `${cleanString(employees)} employees`,
    cleanString(co?.companyGrowthRate) && `Growth ${cleanString(co?.companyGrowthRate)}`,
  ].filter((g): g is string => typeof g === "string");
  const primaryIndustry = list(co?.primaryIndustry);
  const moved = cleanString(c.personHasMoved)?.toLowerCase() ?? null;

  return {
    shape,
    record_id: recordId ?? c.id ?? c.personId,
    person: {
      first: c.firstName,
      last: c.lastName,
      full: c.fullName,
      title: c.jobTitle,
      email: c.email ?? firstAlt(c.emailAlt),
      // ZoomInfo does not grade its emails; contactAccuracyScore is kept as a signal instead.
      email_status: null,
      phones,
      linkedin,
      seniority:
        list(c.managementLevel)
          .map((m) => cleanString(m))
          .find(Boolean) ?? null,
      departments,
      location: {
        street: c.street,
        city: c.city,
        state: c.state,
        postal_code: c.zipCode,
        country: c.country,
      },
    },
    company: {
      name: co?.name ?? c.companyName,
      website: co?.website ?? c.companyWebsite,
      phone: { raw: co?.phone ?? c.companyPhone, type: "company" },
      industry: primaryIndustry.map((i) => cleanString(i)).find(Boolean) ?? co?.industry,
      industries: co?.industries,
      employee_count: employees,
      employee_range: co?.employeeRange,
      revenue: co?.revenueNumeric,
      revenue_text: revenueText,
      founded_year: co?.foundedYear,
      hq: {
        street: co?.street,
        city: co?.city,
        state: co?.state,
        postal_code: co?.zipCode,
        country: co?.country ?? c.companyCountry,
      },
      technologies: [
        ...cleanStringList(co?.technologiesUsed),
        ...cleanStringList(co?.webTechnologies),
        ...cleanStringList(co?.technologies),
      ],
      description,
      keywords: co?.keywordTags,
      linkedin: companyLinkedin,
    },
    signals: {
      intent_topics: cleanStringList(co?.buyingIntentTopics),
      recent_job_change: parseLooseBoolean(c.recentJobChange),
      accuracy_score: typeof c.contactAccuracyScore === "number" ? c.contactAccuracyScore : null,
      // ZoomInfo sends three date formats (providers.md §2.4); parseLooseDate reads all of them.
      last_seen_at: parseLooseDate(c.lastUpdatedDate) ?? parseLooseDate(c.validDate),
      person_moved: moved === "yes" || moved === "no" || moved === "uncertain" ? moved : null,
      growth,
    },
    flags: {
      email_unsubscribed: flags.doNotEmail.set,
      call_opted_out: flags.doNotCall.set,
      do_not_contact: flags.doNotEmail.set && flags.doNotCall.set,
    },
    warnings,
    extras: {
      ...pickExtras(c, CONTACT_KEYS),
      ...(parseLooseDate(c.noticeProvidedDate) === null
        ? {}
        : { notice_provided_at: parseLooseDate(c.noticeProvidedDate) }),
    },
    paths: {
      email: `${path}email`,
      phone: `${path}phone`,
      company: `${path}company`,
      name: `${path}lastName`,
    },
  };
}
