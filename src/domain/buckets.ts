import type { CanonicalLead } from "./lead";

/**
 * Dropdown buckets for CF_107–CF_110. The seed names examples only ("$1M-5M, $5M-25M, etc.",
 * "10-50, 51-200, 201-1000, etc.", "C-Suite, VP, Director, Manager, etc.", "IT, Finance,
 * Operations, etc."); the full label sets below extend those examples and are ours. They must
 * match the dropdown values configured in HaloPSA.
 */

export const REVENUE_BUCKETS = [
  "<$1M",
  "$1M-5M",
  "$5M-25M",
  "$25M-100M",
  "$100M-500M",
  "$500M-1B",
  "$1B+",
] as const;
export type RevenueBucket = (typeof REVENUE_BUCKETS)[number];

export function revenueBucket(dollars: number | null): RevenueBucket | null {
  if (dollars === null || !Number.isFinite(dollars) || dollars < 0) return null;
  if (dollars < 1e6) return "<$1M";
  if (dollars < 5e6) return "$1M-5M";
  if (dollars < 25e6) return "$5M-25M";
  if (dollars < 100e6) return "$25M-100M";
  if (dollars < 500e6) return "$100M-500M";
  if (dollars < 1e9) return "$500M-1B";
  return "$1B+";
}

export const EMPLOYEE_BUCKETS = [
  "1-9",
  "10-50",
  "51-200",
  "201-1000",
  "1001-5000",
  "5001+",
] as const;
export type EmployeeBucket = (typeof EMPLOYEE_BUCKETS)[number];

export function employeeBucket(count: number | null): EmployeeBucket | null {
  if (count === null || !Number.isFinite(count) || count < 1) return null;
  if (count <= 9) return "1-9";
  if (count <= 50) return "10-50";
  if (count <= 200) return "51-200";
  if (count <= 1000) return "201-1000";
  if (count <= 5000) return "1001-5000";
  return "5001+";
}

/** Lower bound of a range text such as ZoomInfo's "1,000 - 5,000" or "10,000+". */
export function rangeLowerBound(text: string | null): number | null {
  if (text === null) return null;
  const m = /(\d[\d,]*)/.exec(text);
  if (!m || m[1] === undefined) return null;
  const n = Number(m[1].replace(/,/g, ""));
  return Number.isFinite(n) ? n : null;
}

/** Employee count, or the lower bound of the provider's range when only a range is given. */
export function leadEmployeeCount(lead: CanonicalLead): number | null {
  return lead.company.employee_count ?? rangeLowerBound(lead.company.employee_range);
}

export const MANAGEMENT_LEVELS = [
  "C-Suite",
  "Owner/Partner",
  "VP",
  "Director",
  "Manager",
  "Individual Contributor",
] as const;
export type ManagementLevel = (typeof MANAGEMENT_LEVELS)[number];

/**
 * Provider seniority words (Apollo: founder, owner, c_suite, partner, vp, head, director,
 * manager, senior, entry, intern; ZoomInfo: C-Level, VP-Level, Director, Manager, Non-Manager,
 * Board Member; Hunter: executive, senior, junior), else the title (seed: "Derived from
 * position" for Hunter, "person.title analysis" for Apollo).
 */
export function managementLevel(
  seniority: string | null,
  title: string | null,
): ManagementLevel | null {
  const s = (seniority ?? "").toLowerCase().replace(/[-_]/g, " ").trim();
  if (s !== "") {
    if (/^(c suite|c level|cxo|executive|board member|founder)$/.test(s)) return "C-Suite";
    if (/^(owner|partner)$/.test(s)) return "Owner/Partner";
    if (/^(vp|vp level|vice president)$/.test(s)) return "VP";
    if (/^(director|head)$/.test(s)) return "Director";
    if (/^(manager|management)$/.test(s)) return "Manager";
    if (/^(senior|entry|intern|junior|non manager|individual contributor)$/.test(s)) {
      const fromTitle = levelFromTitle(title);
      return fromTitle ?? "Individual Contributor";
    }
  }
  return levelFromTitle(title);
}

function levelFromTitle(title: string | null): ManagementLevel | null {
  if (title === null) return null;
  const t = ` ${title.toLowerCase()} `;
  if (/\b(chief|ceo|cto|cfo|coo|cio|ciso|cmo|cro|president|founder|co-founder)\b/.test(t))
    return "C-Suite";
  if (/\b(owner|partner|principal)\b/.test(t)) return "Owner/Partner";
  if (/\b(vp|svp|evp|vice president)\b/.test(t)) return "VP";
  if (/\b(director|head of)\b/.test(t)) return "Director";
  if (/\b(manager|supervisor|team lead|lead)\b/.test(t)) return "Manager";
  return null;
}

export const DEPARTMENTS = [
  "Executive",
  "IT",
  "Engineering",
  "Finance",
  "Operations",
  "Sales",
  "Marketing",
  "HR",
  "Legal",
  "Customer Support",
  "Other",
] as const;
export type Department = (typeof DEPARTMENTS)[number];

const DEPARTMENT_RULES: [RegExp, Department][] = [
  [/c.?suite|executive|founder|master_?executive|management$/, "Executive"],
  [/information.?technology|^it$|\bit\b|tech(nology)?$|security|infrastructure/, "IT"],
  [/engineer|technical|product|software|development|r&d|design/, "Engineering"],
  [/financ|accounting|treasury|^tax/, "Finance"],
  [/operation|logistics|supply|procurement|facilities|manufactur/, "Operations"],
  [/sales|business.?development|account/, "Sales"],
  [/marketing|communication|public relations|^pr$|brand/, "Marketing"],
  [/human.?resources|^hr$|people|talent|recruit/, "HR"],
  [/legal|law|compliance|letal/, "Legal"],
  [/support|customer|service|success/, "Customer Support"],
];

/** The rules a title is read by: all but "Executive", which the title tests above decide. */
const TITLE_DEPARTMENT_RULES = DEPARTMENT_RULES.slice(1);

/**
 * Primary department (seed: "Primary department identification"): the first provider department
 * that maps, else derived from the title; anything unrecognised → "Other".
 */
export function department(
  departments: readonly string[],
  title: string | null,
): Department | null {
  for (const d of departments) {
    const s = d.toLowerCase().replace(/_/g, " ");
    for (const [re, label] of DEPARTMENT_RULES) if (re.test(s)) return label;
  }
  if (title !== null) {
    const t = title.toLowerCase();
    if (/\b(ceo|chief executive|founder|president|owner)\b/.test(t)) return "Executive";
    if (/\b(cio|cto|ciso)\b/.test(t)) return "IT";
    if (/\b(cfo)\b/.test(t)) return "Finance";
    if (/\b(coo)\b/.test(t)) return "Operations";
    if (/\b(cmo)\b/.test(t)) return "Marketing";
    for (const [re, label] of TITLE_DEPARTMENT_RULES) if (re.test(t)) return label;
  }
  return departments.length > 0 ? "Other" : null;
}
