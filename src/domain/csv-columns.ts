/**
 * CSV export headers → the generic flat lead. Sales ops hold provider exports, not API records:
 * Apollo's people export ("First Name", "Person Linkedin Url", "# Employees", …), ZoomInfo's
 * contact export ("Job Title", "Direct Phone Number", "Revenue (in 000s USD)", …) and Hunter's
 * domain-search export ("Email address", "Position", "Domain name", "Organization", …). Headers
 * are compared case-, spacing- and punctuation-insensitively, so "first_name", "First Name" and
 * "FIRST-NAME" are one column.
 *
 * The output keys avoid the names the provider normalisers treat as markers of a native record
 * (Apollo's `seniority`/`email_status`, Hunter's `position`/`domain`): a flat row stays a flat row
 * whatever `source` it is imported under.
 *
 * Pure and dependency-free: the SDK's CLI ships a generated copy (`npm run sdk:generate`).
 */

export type FlatField =
  | "external_id"
  | "first_name"
  | "last_name"
  | "full_name"
  | "email"
  | "title"
  | "department"
  | "management_level"
  | "company"
  | "website"
  | "phone"
  | "mobile"
  | "company_phone"
  | "linkedin_url"
  | "industry"
  | "employees"
  | "revenue"
  | "city"
  | "state"
  | "country"
  | "address"
  | "technologies"
  | "description"
  | "do_not_contact";

interface ColumnRule {
  field: FlatField;
  /** Multiplies a numeric cell, e.g. ZoomInfo's revenue in thousands of USD. */
  scale?: number;
}

/** Header spellings per field (compared after `normaliseHeader`); the first match in a file wins. */
const ALIASES: Record<FlatField, readonly string[]> = {
  external_id: ["external id", "id", "apollo contact id", "zoominfo contact id", "person id"],
  first_name: ["first name", "firstname", "given name"],
  last_name: ["last name", "lastname", "surname", "family name"],
  full_name: ["full name", "name", "contact name", "person name"],
  email: [
    "email",
    "email address",
    "e mail",
    "work email",
    "business email",
    "email address work",
    "person email",
    "contact email",
    "primary email",
  ],
  title: ["title", "job title", "position", "person title", "current job"],
  department: ["department", "departments", "job function"],
  management_level: ["management level", "seniority", "seniority level"],
  company: [
    "company",
    "company name",
    "organization",
    "organization name",
    "account name",
    "company name for emails",
  ],
  website: ["website", "company website", "website url", "domain", "domain name", "company domain"],
  phone: [
    "phone",
    "phone number",
    "direct phone",
    "direct phone number",
    "work direct phone",
    "work phone",
    "person phone",
    "primary number",
    "primary phone",
  ],
  mobile: ["mobile", "mobile phone", "mobile phone number", "cell phone", "mobile number"],
  company_phone: ["company phone", "corporate phone", "company hq phone", "hq phone", "main phone"],
  linkedin_url: [
    "linkedin url",
    "linkedin",
    "person linkedin url",
    "linkedin contact profile url",
    "linkedin profile",
    "linkedin profile url",
    "contact linkedin url",
  ],
  industry: ["industry", "primary industry", "company industry"],
  employees: ["employees", "employee count", "number of employees", "company employee count"],
  revenue: ["revenue", "annual revenue", "company revenue"],
  city: ["city", "person city", "contact city"],
  state: ["state", "person state", "region", "contact state", "state province"],
  country: ["country", "person country", "contact country"],
  address: ["address", "street address", "company street address"],
  technologies: ["technologies", "technology"],
  description: ["description", "short description", "company description", "keywords"],
  do_not_contact: ["do not contact", "dnc", "opted out", "email opt out"],
};

const SPECIAL: Record<string, ColumnRule> = {
  "revenue in 000s usd": { field: "revenue", scale: 1000 },
  "revenue in 000s": { field: "revenue", scale: 1000 },
};

const RULES: ReadonlyMap<string, ColumnRule> = new Map([
  ...Object.entries(ALIASES).flatMap(([field, names]) =>
    names.map((n): [string, ColumnRule] => [normaliseHeader(n), { field: field as FlatField }]),
  ),
  ...Object.entries(SPECIAL).map(([n, rule]): [string, ColumnRule] => [normaliseHeader(n), rule]),
]);

/** "First Name", "first_name", "firstName" → "firstname"; "# Employees" → "employees". */
export function normaliseHeader(header: string): string {
  return header.toLowerCase().replace(/[^a-z0-9]+/g, "");
}

export interface ColumnPlan {
  /** One entry per CSV column, in file order; null for a column nothing maps. */
  columns: (ColumnRule | null)[];
  /** Original headers no rule recognised (reported, not imported). */
  ignored: string[];
}

export function planColumns(headers: readonly string[]): ColumnPlan {
  const taken = new Set<FlatField>();
  const ignored: string[] = [];
  const columns = headers.map((h) => {
    const rule = RULES.get(normaliseHeader(h));
    if (!rule || taken.has(rule.field)) {
      if (h.trim() !== "") ignored.push(h);
      return null;
    }
    taken.add(rule.field);
    return rule;
  });
  return { columns, ignored };
}

/** True when the plan can identify anyone: an email, a name, or a phone column. */
export function planHasIdentity(plan: ColumnPlan): boolean {
  const fields = new Set(plan.columns.flatMap((c) => (c ? [c.field] : [])));
  return ["email", "first_name", "last_name", "full_name", "phone", "mobile"].some((f) =>
    fields.has(f as FlatField),
  );
}

/** One CSV row (cells in file order) → the flat lead the bulk API takes. Empty cells are left out. */
export function rowToLead(plan: ColumnPlan, cells: readonly string[]): Record<string, string> {
  const lead: Record<string, string> = {};
  plan.columns.forEach((rule, i) => {
    const raw = cells[i]?.trim();
    if (!rule || raw === undefined || raw === "") return;
    lead[rule.field] = rule.scale ? scaled(raw, rule.scale) : raw;
  });
  return lead;
}

function scaled(raw: string, factor: number): string {
  const n = Number(raw.replace(/[$,\s]/g, ""));
  return Number.isFinite(n) ? String(Math.round(n * factor)) : raw;
}
