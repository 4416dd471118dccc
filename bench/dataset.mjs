// A generated lead dataset in the three providers' native shapes (Apollo `person`, ZoomInfo
// legacy contact, Hunter domain-search `data` with one email) plus the flat form of every
// person for the per-lead baseline. Seeded, so every run imports the same leads.

export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  "Ada",
  "Grace",
  "Linus",
  "Margaret",
  "Alan",
  "Barbara",
  "Ken",
  "Radia",
  "Tim",
  "Frances",
  "Donald",
  "Sophie",
  "José",
  "Zoë",
  "Åsa",
  "Chidi",
  "Mei",
  "Priya",
  "Oluwaseun",
  "Dmitri",
];
const LAST = [
  "Lovelace",
  "Hopper",
  "Torvalds",
  "Hamilton",
  "Turing",
  "Liskov",
  "Thompson",
  "Perlman",
  "Berners-Lee",
  "Allen",
  "Knuth",
  "Wilson",
  "Núñez",
  "Ångström",
  "Okafor",
  "Chen",
  "Raman",
  "Adeyemi",
  "Ivanov",
  "McDonald",
];
const INDUSTRIES = [
  "Healthcare",
  "Legal Services",
  "Financial Services",
  "Manufacturing",
  "Retail",
  "Logistics",
  "Education",
  "Construction",
];
const TITLES = [
  "Chief Executive Officer",
  "Chief Technology Officer",
  "IT Director",
  "Head of IT",
  "Operations Manager",
  "Finance Director",
  "Office Manager",
  "VP Engineering",
];

/**
 * @param {{ leads: number, seed?: number }} opts
 * @returns {{ apollo: object[], zoominfo: object[], hunter: object[], suppressed: string[],
 *   expected: { total: number, duplicates: number, invalid: number, suppressed: number },
 *   flat: object[] }}
 */
export function makeDataset({ leads, seed = 20261124 }) {
  const rand = rng(seed);
  const pick = (a) => a[Math.floor(rand() * a.length)];
  const companyCount = Math.max(10, Math.floor(leads / 3));
  const companies = Array.from({ length: companyCount }, (_, i) => ({
    name: `${pick(["Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Adatum"])} ${pick(["Systems", "Partners", "Labs", "Group"])} ${i}`,
    domain: `company-${i}.example`,
    industry: pick(INDUSTRIES),
    employees: 5 + Math.floor(rand() * 2000),
    country: pick(["United States", "United Kingdom", "Germany", "Australia"]),
  }));

  const out = { apollo: [], zoominfo: [], hunter: [], suppressed: [], flat: [] };
  const expected = { total: 0, duplicates: 0, invalid: 0, suppressed: 0 };
  const people = [];
  const unique = Math.round(leads * 0.85);
  for (let i = 0; i < unique; i++) {
    const company = companies[Math.floor(rand() * companies.length)];
    people.push(makePerson(i, company, pick));
  }

  const providers = ["apollo", "zoominfo", "hunter"];
  const emit = (person, provider, emailVariant) => {
    const email = emailVariant ?? person.email;
    out[provider].push(record(provider, person, email));
    expected.total++;
  };
  for (const p of people) {
    const provider = providers[p.i % 3];
    const roll = rand();
    if (roll < 0.02) {
      // Invalid: a malformed address the import must reject with the field named.
      out[provider].push(record(provider, p, `${p.first.toLowerCase()}@`));
      expected.total++;
      expected.invalid++;
      continue;
    }
    if (roll < 0.045) {
      out.suppressed.push(p.email.toUpperCase());
      expected.suppressed++;
    } else {
      out.flat.push(flat(p));
    }
    emit(p, provider);
  }
  // About 15% duplicates: the same people again, in another letter case or from another provider.
  const dupes = leads - expected.total;
  for (let d = 0; d < dupes; d++) {
    const p = people[Math.floor(rand() * people.length)];
    const provider = providers[(p.i + 1 + (d % 2)) % 3];
    emit(p, provider, d % 2 === 0 ? `  ${p.email.toUpperCase()} ` : p.email);
    expected.duplicates++;
  }
  return { ...out, expected };
}

function record(provider, p, email) {
  const c = p.company;
  switch (provider) {
    case "apollo":
      return {
        person: {
          id: (0x5f0000000000 + p.i).toString(16).padStart(24, "0"),
          first_name: p.first,
          last_name: p.last,
          name: `${p.first} ${p.last}`,
          title: p.title,
          email,
          email_status: "verified",
          linkedin_url: `http://www.linkedin.com/in/${p.first.toLowerCase()}-${p.i}`,
          seniority: "director",
          departments: ["master_information_technology"],
          phone_numbers: [
            {
              raw_number: p.phone,
              sanitized_number: p.phone.replace(/ /g, ""),
              type: "work_direct",
            },
          ],
          country: c.country,
          organization: {
            id: (0x5e0000000000 + c.domain.length).toString(16).padStart(24, "0"),
            name: c.name,
            website_url: `http://www.${c.domain}/`,
            primary_domain: c.domain,
            primary_phone: {},
            industry: c.industry.toLowerCase(),
            estimated_num_employees: c.employees,
          },
        },
      };
    case "zoominfo":
      return {
        id: 1_000_000_000 + p.i,
        firstName: p.first.toUpperCase(),
        lastName: p.last.toUpperCase(),
        email,
        phone: p.phone,
        jobTitle: p.title,
        directPhoneDoNotCall: "false",
        country: c.country,
        company: {
          id: 300_000_000 + p.i,
          name: c.name,
          website: `www.${c.domain}`,
          employeeCount: String(c.employees),
          primaryIndustry: [c.industry],
          country: c.country,
        },
      };
    default:
      return {
        domain: c.domain,
        organization: c.name.toLowerCase(),
        pattern: "{first}.{last}",
        webmail: false,
        emails: [
          {
            value: email,
            type: "personal",
            confidence: 90,
            first_name: p.first,
            last_name: p.last,
            position: p.title,
            seniority: "executive",
            department: "it",
            phone_number: null,
            verification: { date: "2026-10-01", status: "valid" },
          },
        ],
      };
  }
}

function flat(p) {
  return {
    first_name: p.first,
    last_name: p.last,
    email: p.email,
    company: p.company.name,
    website: p.company.domain,
    title: p.title,
    phone: p.phone,
  };
}

/**
 * The `merge-heavy` dataset, shaped like `npm start`'s demo (Apollo and ZoomInfo syncs, then
 * Hunter on the same companies): every person arrives once, and half of them arrive again from
 * a second provider and every other one of those from a third, each in a later wave (waves are
 * imported one after another, so a repeat meets a lead already in HaloPSA and merges). A repeat
 * carries a different job title half the time, so merges have user fields to write and read.
 * No invalid or suppressed records: every record is either a creation or a merge.
 *
 * @param {{ leads: number, seed?: number }} opts `leads`: submitted records in all waves.
 * @returns {{ waves: { apollo: object[], zoominfo: object[], hunter: object[] }[],
 *   expected: { total: number, people: number, repeats: number },
 *   flatFor: (sample: number) => object[] }} `flatFor`: the arrivals of the first people in
 *   import order (about `sample` records), for the per-lead baseline.
 */
export function makeMergeHeavyDataset({ leads, seed = 20261130 }) {
  const rand = rng(seed);
  const pick = (a) => a[Math.floor(rand() * a.length)];
  // Half the people arrive once, a quarter twice, a quarter three times: 1.75 records a person.
  const peopleCount = Math.max(4, Math.round(leads / 1.75));
  const companies = Array.from({ length: Math.max(10, Math.floor(peopleCount / 3)) }, (_, i) => ({
    name: `${pick(["Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Adatum"])} ${pick(["Systems", "Partners", "Labs", "Group"])} ${i}`,
    domain: `merge-${i}.example`,
    industry: pick(INDUSTRIES),
    employees: 5 + Math.floor(rand() * 2000),
    country: pick(["United States", "United Kingdom", "Germany", "Australia"]),
  }));
  const providers = ["apollo", "zoominfo", "hunter"];
  const waves = [0, 1, 2].map(() => ({ apollo: [], zoominfo: [], hunter: [] }));
  const arrivals = [[], [], []];
  let total = 0;
  for (let i = 0; i < peopleCount && total < leads; i++) {
    const company = companies[Math.floor(rand() * companies.length)];
    const p = makePerson(i, company, pick);
    const times = i % 2 === 0 ? 1 : i % 4 === 1 ? 2 : 3;
    for (let w = 0; w < times && total < leads; w++) {
      const provider = providers[(i + w) % 3];
      const person = w > 0 && rand() < 0.5 ? { ...p, title: pick(TITLES) } : p;
      waves[w][provider].push(record(provider, person, person.email));
      arrivals[w].push(flat(person));
      total++;
    }
  }
  const people = arrivals[0].length;
  return {
    waves,
    expected: { total, people, repeats: total - people },
    // The baseline's sample: the first people's arrivals, wave by wave, as they are imported.
    flatFor: (sample) => {
      const n = Math.max(1, Math.round(sample / 1.75));
      const emails = new Set(arrivals[0].slice(0, n).map((f) => f.email));
      return arrivals.flatMap((a) => a.filter((f) => emails.has(f.email)));
    },
  };
}

/** Person `i` at `company`; draws first name, last name and title from `pick`, in that order. */
function makePerson(i, company, pick) {
  const first = pick(FIRST);
  const last = pick(LAST);
  return {
    i,
    first,
    last,
    title: pick(TITLES),
    email: `${first
      .toLowerCase()
      .normalize("NFD")
      .replace(/[^a-z]/g, "")}.${i}@${company.domain}`,
    phone: `+1 415 555 ${String(1000 + (i % 9000)).padStart(4, "0")}`,
    company,
  };
}
