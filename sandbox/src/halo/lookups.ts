// Lookup lists every tenant starts with. Ids follow the seed (crm-workflow-and-mappings.txt):
// ticket types 1 Lead / 2 Prospect / 3 Opportunity, lead statuses 1-7 (6 = Do Not Contact),
// prospect statuses from 10, custom fields CF_101-113, CF_201-206, CF_301-304. Real tenants use
// other numbers, which is why LeadBridge treats them as configuration.

export interface TicketTypeLookup {
  id: number;
  name: string;
  use: string;
  itilrequesttype: number;
  initial_status: number;
  visible: boolean;
}

export const TICKET_TYPES: TicketTypeLookup[] = [
  { id: 1, name: "Lead", use: "CRM", itilrequesttype: 0, initial_status: 1, visible: true },
  { id: 2, name: "Prospect", use: "CRM", itilrequesttype: 0, initial_status: 10, visible: true },
  { id: 3, name: "Opportunity", use: "CRM", itilrequesttype: 0, initial_status: 20, visible: true },
  {
    id: 21,
    name: "Incident",
    use: "Service",
    itilrequesttype: 1,
    initial_status: 1,
    visible: true,
  },
  {
    id: 22,
    name: "Service Request",
    use: "Service",
    itilrequesttype: 3,
    initial_status: 1,
    visible: true,
  },
];

/** Ticket types listed by GET /api/Opportunities (opportunities are tickets of these types). */
export const OPPORTUNITY_TYPE_IDS: ReadonlySet<number> = new Set([3]);

export interface StatusLookup {
  id: number;
  name: string;
  shortname: string;
  /** TStatus.type: 0 open, 1 closed (the sandbox's reading; drives hasbeenclosed). */
  type: number;
  sequence: number;
  tickettypes: number[];
}

const status = (id: number, name: string, type: number, tickettypes: number[]): StatusLookup => ({
  id,
  name,
  shortname: name.slice(0, 10),
  type,
  sequence: id,
  tickettypes,
});

export const STATUSES: StatusLookup[] = [
  status(1, "New Lead", 0, [1, 21, 22]),
  status(2, "Researching", 0, [1]),
  status(3, "Contacted", 0, [1]),
  status(4, "Engaged", 0, [1]),
  status(5, "No Interest", 1, [1]),
  status(6, "Do Not Contact", 1, [1, 2, 3]),
  status(7, "Invalid Data", 1, [1]),
  status(9, "Closed", 1, [1, 2, 3, 21, 22]),
  status(10, "New Prospect", 0, [2]),
  status(11, "Prospecting", 0, [2]),
  status(12, "Qualified", 0, [2]),
  status(13, "Disqualified", 1, [2]),
  status(20, "New Opportunity", 0, [3]),
  status(21, "Progressing", 0, [3]),
  status(22, "Negotiation", 0, [3]),
  status(23, "Won", 1, [3]),
  status(24, "Lost", 1, [3]),
];

export const CLOSED_STATUS_IDS: ReadonlySet<number> = new Set(
  STATUSES.filter((s) => s.type === 1).map((s) => s.id),
);

// Priority ids are strings on GET /api/Priority (panoramicdata FlexibleInt32Converter, halopsa-api.md §3.3);
// the Policy schema types `id` as string and `priorityid` as int.
export const PRIORITIES = [
  {
    id: "1",
    priorityid: 1,
    name: "Critical",
    slaid: 1,
    fixtime: 4,
    fixunits: "h",
    colour: "#e0342b",
  },
  { id: "2", priorityid: 2, name: "High", slaid: 1, fixtime: 8, fixunits: "h", colour: "#f28c28" },
  {
    id: "3",
    priorityid: 3,
    name: "Medium",
    slaid: 1,
    fixtime: 3,
    fixunits: "d",
    colour: "#f2c94c",
  },
  { id: "4", priorityid: 4, name: "Low", slaid: 1, fixtime: 5, fixunits: "d", colour: "#6fcf97" },
];

export const AGENTS = [
  { id: 1, name: "API Agent", email: "api@sandbox.invalid", isdisabled: false },
  { id: 3, name: "Sales Agent", email: "sales@sandbox.invalid", isdisabled: false },
];

export interface FieldInfoLookup {
  id: number;
  name: string;
  label: string;
  /** FieldInfo.type: 0 text, 1 memo, 2 single select, 4 date, 5 integer, 6 checkbox (approximate). */
  type: number;
  usage: number;
  custom: number;
  values?: { id: number; name: string }[];
}

const field = (id: number, name: string, label: string, type: number): FieldInfoLookup => ({
  id,
  name,
  label,
  type,
  usage: 1,
  custom: 1,
});
const options = (names: string[]) => names.map((name, i) => ({ id: i + 1, name }));

export const FIELD_INFO: FieldInfoLookup[] = [
  {
    ...field(101, "CF_101_lead_source", "Lead Source", 2),
    values: options(["Apollo.io", "ZoomInfo", "Hunter.io", "CSV Import", "Manual"]),
  },
  field(102, "CF_102_services_offered", "Services Offered", 1),
  field(103, "CF_103_growth_signals", "Growth Signals", 1),
  field(104, "CF_104_project_pipelines", "Project Pipelines", 1),
  field(105, "CF_105_do_not_contact", "Do Not Contact", 6),
  field(106, "CF_106_technology_stack", "Technology Stack", 1),
  {
    ...field(107, "CF_107_revenue_range", "Revenue Range", 2),
    values: options(["<$1M", "$1M-5M", "$5M-25M", "$25M-100M", "$100M-500M", ">$500M"]),
  },
  {
    ...field(108, "CF_108_employee_count_range", "Employee Count Range", 2),
    values: options(["1-9", "10-50", "51-200", "201-1000", "1001-5000", "5000+"]),
  },
  {
    ...field(109, "CF_109_management_level", "Management Level", 2),
    values: options(["C-Suite", "VP", "Director", "Manager", "Individual Contributor"]),
  },
  {
    ...field(110, "CF_110_department_function", "Department Function", 2),
    values: options(["IT", "Finance", "Operations", "Sales", "Marketing", "HR", "Other"]),
  },
  field(111, "CF_111_intent_signals", "Intent Signals", 1),
  field(112, "CF_112_company_founded_year", "Company Founded Year", 5),
  field(113, "CF_113_location_hq", "Location/HQ Address", 0),
  field(201, "CF_201_pain_points", "Pain Points", 1),
  field(202, "CF_202_qualified_services", "Qualified Services", 1),
  field(203, "CF_203_decision_maker", "Decision Maker", 0),
  field(204, "CF_204_budget_range", "Budget Range", 0),
  field(205, "CF_205_timeframe", "Timeframe", 0),
  field(206, "CF_206_fit_score", "Fit Score", 5),
  field(301, "CF_301_products_services", "Products/Services", 1),
  field(302, "CF_302_quotes_proposals", "Quotes/Proposals", 1),
  field(303, "CF_303_competitors", "Competitors", 1),
  field(304, "CF_304_win_loss_reason", "Win/Loss Reason", 1),
];

export const FIELD_INFO_BY_ID: ReadonlyMap<number, FieldInfoLookup> = new Map(
  FIELD_INFO.map((f) => [f.id, f]),
);
