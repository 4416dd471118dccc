import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CUSTOM_FIELD_DEFAULTS, defaultConfig } from "../../src/config/schema";
import {
  FieldInfoRecord,
  PriorityRecord,
  StatusRecord,
  TicketTypeRecord,
} from "../../src/halo/schemas";
import { verifyConfig } from "../../src/halo/verify-config";

// Lookups in the shapes the HaloPSA spec gives (halo-openapi.json): TStatus.tickettypes as
// KeyPair2 objects, Policy ids as GUID strings with the priority in `priorityid`.
const statuses = z.array(StatusRecord).parse([
  ...[1, 2, 3, 4, 5, 6, 7].map((id) => ({
    id,
    name: `Lead status ${id}`,
    tickettypes: [{ value: "1", label: "Lead" }],
  })),
  ...[10, 11, 12, 13].map((id) => ({ id, name: `Prospect ${id}`, tickettypes: [] })),
  ...[20, 21, 22, 23, 24].map((id) => ({ id, name: `Opp ${id}` })),
]);
const lookups = {
  ticketTypes: z.array(TicketTypeRecord).parse([
    { id: 1, name: "Lead", itilrequesttype: 0 },
    { id: 2, name: "Prospect" },
    { id: 3, name: "Opportunity", itilrequesttype: null },
    { id: 21, name: "Incident", itilrequesttype: 1 },
  ]),
  statuses,
  priorities: z.array(PriorityRecord).parse([
    { id: "6f1c2b1e-0000-4000-8000-000000000001", priorityid: 3, name: "Medium" },
    { id: "6f1c2b1e-0000-4000-8000-000000000002", priorityid: 1, name: "Critical" },
  ]),
  fields: z
    .array(FieldInfoRecord)
    .parse(Object.values(CUSTOM_FIELD_DEFAULTS).map((id) => ({ id, name: `CF_${id}` }))),
};

describe("verifyConfig", () => {
  it("finds nothing wrong with ids the tenant has, in the spec's shapes", () => {
    expect(verifyConfig(defaultConfig(), lookups)).toEqual([]);
  });

  it("flags a status the tenant ties to another ticket type", () => {
    const config = defaultConfig();
    config.halopsa.lifecycle.prospect.statuses.qualified = 4;
    const [m] = verifyConfig(config, lookups);
    expect(m?.field).toBe("halopsa.lifecycle.prospect.statuses.qualified");
    expect(m?.message).toContain("not used by ticket type 2");
  });

  it("matches priorities on priorityid, not the policy's GUID", () => {
    const config = defaultConfig();
    config.halopsa.lifecycle.lead.priority_id = 2;
    const [m] = verifyConfig(config, lookups);
    expect(m).toMatchObject({
      field: "halopsa.lifecycle.lead.priority_id",
      candidates: [
        { id: 3, name: "Medium" },
        { id: 1, name: "Critical" },
      ],
    });
  });

  it("ignores custom field ids when custom fields are switched off", () => {
    const config = defaultConfig();
    config.halopsa.custom_fields.competitors = 999;
    expect(verifyConfig(config, lookups).map((m) => m.field)).toEqual([
      "halopsa.custom_fields.competitors",
    ]);
    config.halopsa.custom_fields_enabled = false;
    expect(verifyConfig(config, lookups)).toEqual([]);
  });
});
