import { Rng } from "./prng";

/**
 * The fixed world the three provider simulators serve: companies and the people working there,
 * generated from a seed. The same person appears in Apollo, ZoomInfo and Hunter (under each
 * provider's own id), as in reality, so cross-provider de-duplication can be exercised.
 * Shapes follow docs/reference/providers.md §1.4, §2.4 and §3.4; values are invented.
 */

export interface Company {
  index: number;
  name: string;
  domain: string;
  industry: string;
  employees: number;
  revenue: number;
  founded: number;
  street: string;
  city: string;
  state: string | null;
  postalCode: string;
  country: string;
  /** E.164 main line. */
  phone: string;
  technologies: string[];
  keywords: string[];
  /** Hunter's `pattern`, e.g. "{first}.{last}". */
  pattern: string;
  apolloOrgId: string;
  zoominfoCompanyId: number;
}

export interface Person {
  index: number;
  company: Company;
  firstName: string;
  lastName: string;
  title: string;
  /** Apollo seniority word (providers.md §1.4): founder, c_suite, vp, director, manager, … */
  seniority: string;
  /** ZoomInfo managementLevel. */
  managementLevel: string;
  /** Hunter seniority: junior | senior | executive. */
  hunterSeniority: string;
  department: string;
  email: string;
  emailStatus: "verified" | "guessed";
  confidence: number;
  directPhone: string | null;
  mobilePhone: string | null;
  directPhoneDnc: boolean;
  emailUnsubscribed: boolean;
  /** Hunter answers 451 claimed_email for this person and leaves them out of domain search. */
  claimed: boolean;
  city: string;
  state: string | null;
  country: string;
  linkedinUrl: string;
  /** 24 hex digits, like Apollo's Mongo ids. */
  apolloId: string;
  /** ZoomInfo person id (a number in the legacy API). */
  zoominfoId: number;
  accuracyScore: number;
  refreshedAt: string;
}

export interface Universe {
  seed: number;
  companies: Company[];
  people: Person[];
}

const FIRST = [
  "Andrew",
  "Maureen",
  "Zoë",
  "José",
  "Priya",
  "Daniel",
  "Chen",
  "Fatima",
  "Lars",
  "Amélie",
  "Kwame",
  "Sofia",
  "Hiroshi",
  "Olivia",
  "Mateo",
  "Aisha",
  "Liam",
  "Ingrid",
  "Noah",
  "Yasmin",
  "Ethan",
  "Chloe",
  "Ravi",
  "Hannah",
  "Tomás",
  "Grace",
  "Omar",
  "Elena",
  "Jonas",
  "Mia",
];
const LAST = [
  "O'Connell",
  "Huberman",
  "Nguyen",
  "García",
  "Patel",
  "Herbert",
  "Okafor",
  "Schmidt",
  "Lindqvist",
  "Dubois",
  "Tanaka",
  "Rossi",
  "Kowalski",
  "Mensah",
  "Fischer",
  "Murphy",
  "Johansson",
  "Silva",
  "Cohen",
  "MacLeod",
  "Ahmed",
  "Novak",
  "Bianchi",
  "Wright",
  "Kim",
  "Castillo",
  "Byrne",
  "Virtanen",
  "Moreau",
  "Sato",
];
const NAME_A = [
  "Northwind",
  "Blue Harbor",
  "Summit",
  "Ironwood",
  "Brightpath",
  "Cedar",
  "Meridian",
  "Atlas",
  "Lumen",
  "Redwood",
  "Silverline",
  "Harbor Point",
  "Keystone",
  "Vantage",
  "Pinecrest",
  "Crescent",
  "Evergreen",
  "Granite",
  "Horizon",
  "Oakridge",
];
const NAME_B = [
  "Analytics",
  "Health",
  "Logistics",
  "Legal",
  "Capital",
  "Manufacturing",
  "Retail",
  "Systems",
  "Networks",
  "Medical",
  "Insurance",
  "Robotics",
];
const SUFFIX = ["Inc", "LLC", "Ltd", "GmbH", "Corp", "", "", ""];
const INDUSTRY_BY_WORD: Record<string, string> = {
  Analytics: "information technology & services",
  Health: "hospital & health care",
  Logistics: "logistics & supply chain",
  Legal: "legal services",
  Capital: "financial services",
  Manufacturing: "manufacturing",
  Retail: "retail",
  Systems: "computer software",
  Networks: "telecommunications",
  Medical: "medical devices",
  Insurance: "insurance",
  Robotics: "industrial automation",
};
const PLACES = [
  {
    city: "San Francisco",
    state: "California",
    country: "United States",
    zip: "94105",
    cc: "+1415",
  },
  { city: "Austin", state: "Texas", country: "United States", zip: "78701", cc: "+1512" },
  { city: "Boston", state: "Massachusetts", country: "United States", zip: "02110", cc: "+1617" },
  { city: "Chicago", state: "Illinois", country: "United States", zip: "60601", cc: "+1312" },
  { city: "London", state: null, country: "United Kingdom", zip: "EC2A 4NE", cc: "+4420" },
  { city: "Berlin", state: null, country: "Germany", zip: "10115", cc: "+4930" },
  { city: "Toronto", state: "Ontario", country: "Canada", zip: "M5H 2N2", cc: "+1416" },
  { city: "Tokyo", state: null, country: "Japan", zip: "100-0005", cc: "+813" },
];
const STREETS = ["Market St", "Main St", "Congress Ave", "King St W", "Mission St", "High St"];
const TECH = [
  "Salesforce",
  "HubSpot",
  "Microsoft 365",
  "Google Workspace",
  "AWS",
  "Azure",
  "Slack",
  "Zendesk",
  "Shopify",
  "Okta",
  "Cloudflare",
  "Snowflake",
];
const PATTERNS = ["{first}.{last}", "{first}", "{f}{last}", "{first}{l}"];
const TLDS = [".com", ".com", ".com", ".io", ".co.uk", ".de"];

interface Role {
  title: string;
  seniority: string;
  level: string;
  hunter: string;
  department: string;
}
const ROLES: Role[] = [
  {
    title: "Chief Executive Officer",
    seniority: "c_suite",
    level: "C-Level",
    hunter: "executive",
    department: "executive",
  },
  {
    title: "Founder",
    seniority: "founder",
    level: "C-Level",
    hunter: "executive",
    department: "executive",
  },
  {
    title: "Chief Technology Officer",
    seniority: "c_suite",
    level: "C-Level",
    hunter: "executive",
    department: "it",
  },
  {
    title: "VP of Sales",
    seniority: "vp",
    level: "VP-Level",
    hunter: "executive",
    department: "sales",
  },
  {
    title: "VP Operations",
    seniority: "vp",
    level: "VP-Level",
    hunter: "executive",
    department: "operations",
  },
  {
    title: "Director of IT",
    seniority: "director",
    level: "Director",
    hunter: "senior",
    department: "it",
  },
  {
    title: "IT Manager",
    seniority: "manager",
    level: "Manager",
    hunter: "senior",
    department: "it",
  },
  {
    title: "Head of Marketing",
    seniority: "head",
    level: "Director",
    hunter: "senior",
    department: "marketing",
  },
  {
    title: "Sales Manager",
    seniority: "manager",
    level: "Manager",
    hunter: "senior",
    department: "sales",
  },
  {
    title: "Senior Systems Engineer",
    seniority: "senior",
    level: "Non-Manager",
    hunter: "senior",
    department: "it",
  },
  {
    title: "Account Executive",
    seniority: "entry",
    level: "Non-Manager",
    hunter: "junior",
    department: "sales",
  },
  {
    title: "Office Administrator",
    seniority: "entry",
    level: "Non-Manager",
    hunter: "junior",
    department: "operations",
  },
];

/** ASCII-folds a name for an email local part: "Zoë" → "zoe", "O'Connell" → "oconnell". */
export function foldAscii(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z]/g, "");
}

function slug(s: string): string {
  return foldAscii(s.replace(/\s+/g, ""));
}

function emailFor(pattern: string, first: string, last: string, domain: string): string {
  const f = foldAscii(first);
  const l = foldAscii(last);
  const local = pattern
    .replace("{first}", f)
    .replace("{last}", l)
    .replace("{f}", f.slice(0, 1))
    .replace("{l}", l.slice(0, 1));
  return `${local}@${domain}`;
}

function digits(rng: Rng, n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += String(rng.int(0, 9));
  return out;
}

const COMPANY_COUNT = 30;

function buildCompanies(rng: Rng): Company[] {
  const used = new Set<string>();
  const companies: Company[] = [];
  for (let index = 0; companies.length < COMPANY_COUNT; index++) {
    const a = rng.pick(NAME_A);
    const b = rng.pick(NAME_B);
    const base = `${a} ${b}`;
    if (used.has(base)) continue;
    used.add(base);
    const suffix = rng.pick(SUFFIX);
    const place = rng.pick(PLACES);
    const tech = TECH.filter(() => rng.chance(0.3));
    companies.push({
      index: companies.length,
      name: suffix ? `${base} ${suffix}` : base,
      domain: `${slug(base)}${rng.pick(TLDS)}`,
      industry: INDUSTRY_BY_WORD[b] ?? "business services",
      employees: rng.pick([12, 35, 80, 150, 420, 900, 2500, 7800]),
      revenue: rng.pick([1_500_000, 8_000_000, 25_000_000, 90_000_000, 400_000_000]),
      founded: rng.int(1968, 2021),
      street: `${rng.int(1, 999)} ${rng.pick(STREETS)}`,
      city: place.city,
      state: place.state,
      postalCode: place.zip,
      country: place.country,
      phone: `${place.cc}${digits(rng, 7)}`,
      technologies: tech.length > 0 ? tech : ["Microsoft 365"],
      keywords: [b.toLowerCase(), "b2b", rng.pick(["saas", "services", "enterprise"])],
      pattern: rng.pick(PATTERNS),
      apolloOrgId: rng.hex(24),
      zoominfoCompanyId: 300_000_000 + index * 7_919,
    });
  }
  return companies;
}

function buildPeople(rng: Rng, companies: Company[]): Person[] {
  const people: Person[] = [];
  for (const company of companies) {
    const size = rng.int(6, 10);
    const names = new Set<string>();
    for (let k = 0; k < size; k++) {
      const firstName = rng.pick(FIRST);
      const lastName = rng.pick(LAST);
      if (names.has(`${firstName} ${lastName}`)) continue;
      names.add(`${firstName} ${lastName}`);
      // The first role of every company is its chief; the rest are drawn at random.
      const role = k === 0 ? (ROLES[0] as Role) : rng.pick(ROLES);
      const index = people.length;
      const remote = rng.chance(0.15);
      const place = remote ? rng.pick(PLACES) : null;
      const direct = rng.chance(0.6) ? `${company.phone.slice(0, -4)}${digits(rng, 4)}` : null;
      people.push({
        index,
        company,
        firstName,
        lastName,
        title: role.title,
        seniority: role.seniority,
        managementLevel: role.level,
        hunterSeniority: role.hunter,
        department: role.department,
        email: emailFor(company.pattern, firstName, lastName, company.domain),
        emailStatus: rng.chance(0.8) ? "verified" : "guessed",
        confidence: rng.int(62, 99),
        directPhone: direct,
        mobilePhone: rng.chance(0.3)
          ? `+1${rng.pick(["206", "646", "917"])}${digits(rng, 7)}`
          : null,
        directPhoneDnc: direct !== null && rng.chance(0.1),
        emailUnsubscribed: rng.chance(0.04),
        claimed: rng.chance(0.06),
        city: place?.city ?? company.city,
        state: place ? place.state : company.state,
        country: place?.country ?? company.country,
        linkedinUrl: `http://www.linkedin.com/in/${foldAscii(firstName)}-${foldAscii(lastName)}-${rng.hex(6)}`,
        apolloId: rng.hex(24),
        zoominfoId: 1_200_000_000 + index * 104_729,
        accuracyScore: rng.int(75, 99),
        refreshedAt: new Date(
          Date.UTC(2026, rng.int(0, 9), rng.int(1, 28), rng.int(0, 23)),
        ).toISOString(),
      });
    }
  }
  return people;
}

export const DEFAULT_SEED = 20_261_124;
const cache = new Map<number, Universe>();

/** The universe for a seed, built once per isolate. */
export function universe(seed: number = DEFAULT_SEED): Universe {
  const hit = cache.get(seed);
  if (hit) return hit;
  const rng = new Rng(seed);
  const companies = buildCompanies(rng);
  const built: Universe = { seed, companies, people: buildPeople(rng, companies) };
  cache.set(seed, built);
  return built;
}

/** Apollo's search mask: first two letters, stars, last letter ("Hu***n"). */
export function obfuscate(last: string): string {
  if (last.length <= 3) return `${last.slice(0, 1)}***`;
  return `${last.slice(0, 2)}***${last.slice(-1)}`;
}
