import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/config/schema";
import { decideImport } from "../../src/domain/decision";
import { dedupKey } from "../../src/domain/dedup-key";
import { flattenPayloads, mapLeadToHalo } from "../../src/domain/halo-mapping";
import { type MergeInput, smartMerge } from "../../src/domain/merge";
import { BASE, lead, NOW } from "./fixtures";

const cfg = defaultConfig();
const lifecycle = cfg.halopsa.lifecycle;
const incomingLead = lead("apollo", {
  person: {
    first_name: "Jane",
    last_name: "Doe",
    email: "jane.doe@acme-example.com",
    title: "IT Director",
    phone_numbers: [{ sanitized_number: "+14155550199" }],
    organization: {
      name: "Acme Widgets",
      primary_domain: "acme-example.com",
      technology_names: ["Azure", "Okta"],
      estimated_num_employees: 120,
      keywords: ["managed print", "document workflow", "office equipment leasing"],
    },
  },
});
const incoming = flattenPayloads(
  mapLeadToHalo(incomingLead, {
    halopsa: cfg.halopsa,
    leadId: "lead-1",
    companyKey: "domain:acme-example.com",
    now: NOW,
    qualityScore: 80,
    tags: [],
  }),
);

function input(over: Partial<MergeInput>): MergeInput {
  return {
    current: {},
    lastWritten: {},
    incoming,
    ticket: {
      tickettype_id: lifecycle.lead.ticket_type_id,
      status_id: lifecycle.lead.statuses.new_lead,
    },
    lifecycle,
    options: { update_existing: true },
    policies: cfg.merge.field_policies,
    ...over,
  };
}
const decision = (r: ReturnType<typeof smartMerge>, field: string) =>
  r.decisions.find((d) => d.field === field);

describe("smart merge", () => {
  it("keeps a manual edit: HaloPSA value differs from what LeadBridge last wrote", () => {
    const r = smartMerge(
      input({
        current: { "user.phonenumber": "+14155550000", "user.title": "Chief of IT" },
        lastWritten: { "user.phonenumber": "+14155550123", "user.title": "IT Director (old)" },
      }),
    );
    expect(decision(r, "user.phonenumber")).toMatchObject({
      action: "preserve",
      rule: "manual_edit",
    });
    expect(decision(r, "user.title")).toMatchObject({ action: "preserve", rule: "manual_edit" });
    expect(r.manual_work_detected).toBe(true);
    expect(r.updates["user.phonenumber"]).toBeUndefined();
  });

  it("updates enrichment fields LeadBridge wrote and nobody touched", () => {
    const r = smartMerge(
      input({
        current: { "user.phonenumber": "+14155550123", "ticket.cf.technology_stack": "Azure" },
        lastWritten: { "user.phonenumber": "+14155550123", "ticket.cf.technology_stack": "Azure" },
      }),
    );
    expect(decision(r, "user.phonenumber")).toMatchObject({
      action: "update",
      rule: "enrichment_field",
    });
    expect(r.updates["ticket.cf.technology_stack"]).toBe("Azure, Okta");
  });

  it("protected fields are never overwritten; empty ones are filled", () => {
    const r = smartMerge(
      input({
        current: { "ticket.priority_id": 1, "ticket.summary": "Hand-written" },
        lastWritten: {},
      }),
    );
    expect(decision(r, "ticket.priority_id")).toMatchObject({
      action: "preserve",
      rule: "protected_field",
    });
    expect(decision(r, "ticket.summary")).toMatchObject({
      action: "preserve",
      rule: "protected_field",
    });
    expect(decision(r, "user.emailaddress")).toMatchObject({
      action: "update",
      rule: "conditional:update_unedited",
    });
  });

  it("conditional CF_102/CF_103 rules and sticky DNC", () => {
    const r = smartMerge(
      input({
        current: {
          "ticket.cf.services_offered":
            "managed print, document workflow, office equipment leasing and more",
          "ticket.cf.do_not_contact": true,
        },
        lastWritten: {
          "ticket.cf.services_offered":
            "managed print, document workflow, office equipment leasing and more",
          "ticket.cf.do_not_contact": true,
        },
      }),
    );
    expect(decision(r, "ticket.cf.services_offered")).toMatchObject({
      action: "preserve",
      rule: "conditional:longer_by_half",
    });
    expect(decision(r, "ticket.cf.do_not_contact")).toMatchObject({
      action: "preserve",
      rule: "conditional:dnc_sticky",
    });
  });

  it("a job change updates a title nobody edited and preserves an edited one", () => {
    const unedited = smartMerge(
      input({
        current: { "user.title": "IT Manager" },
        lastWritten: { "user.title": "IT Manager" },
      }),
    );
    expect(decision(unedited, "user.title")).toMatchObject({
      action: "update",
      rule: "conditional:update_unedited",
    });
    expect(unedited.updates["user.title"]).toBe("IT Director");
    const edited = smartMerge(
      input({
        current: { "user.title": "Head of IT (acting)" },
        lastWritten: { "user.title": "IT Manager" },
      }),
    );
    expect(decision(edited, "user.title")).toMatchObject({
      action: "preserve",
      rule: "manual_edit",
    });
    expect(edited.updates["user.title"]).toBeUndefined();
  });

  it("person field policies come from config: fill_empty and protected", () => {
    const state = {
      current: { "user.title": "IT Manager", "user.surname": "" },
      lastWritten: { "user.title": "IT Manager" },
    };
    const fill = smartMerge(
      input({
        ...state,
        policies: { ...cfg.merge.field_policies, "user.title": "fill_empty" },
      }),
    );
    expect(decision(fill, "user.title")).toMatchObject({
      action: "preserve",
      rule: "conditional:fill_empty",
    });
    const prot = smartMerge(
      input({
        ...state,
        policies: {
          ...cfg.merge.field_policies,
          "user.title": "protected",
          "user.surname": "protected",
        },
      }),
    );
    expect(decision(prot, "user.title")).toMatchObject({
      action: "preserve",
      rule: "protected_field",
    });
    expect(decision(prot, "user.surname")).toMatchObject({
      action: "preserve",
      rule: "protected_field",
    });
    expect(cfg.merge.field_policies).toEqual({
      "user.title": "update_unedited",
      "user.firstname": "update_unedited",
      "user.surname": "update_unedited",
      "user.name": "update_unedited",
      "user.emailaddress": "update_unedited",
    });
  });

  it("a lead past Researching or converted is preserved untouched with the reason", () => {
    for (const ticket of [
      {
        tickettype_id: lifecycle.lead.ticket_type_id,
        status_id: lifecycle.lead.statuses.contacted,
      },
      {
        tickettype_id: lifecycle.prospect.ticket_type_id,
        status_id: lifecycle.prospect.statuses.new_prospect,
      },
    ]) {
      const r = smartMerge(input({ ticket }));
      expect(r.stage_advanced).toBe(true);
      expect(r.fields_updated).toEqual([]);
      expect(r.decisions.every((d) => d.action === "preserve" && d.rule === "stage_advanced")).toBe(
        true,
      );
    }
    const researching = smartMerge(
      input({
        ticket: {
          tickettype_id: lifecycle.lead.ticket_type_id,
          status_id: lifecycle.lead.statuses.researching,
        },
      }),
    );
    expect(researching.stage_advanced).toBe(false);
  });
});

describe("import decision", () => {
  const key = dedupKey(lead("generic", BASE));
  const base = { suppression: [], existing: null, lifecycle, options: { update_existing: true } };

  it("reject invalid, suppress hits, create new", () => {
    expect(
      decideImport({
        ...base,
        validation: {
          ok: false,
          issues: [{ field: "email", code: "invalid_email", message: "bad" }],
        },
      }),
    ).toMatchObject({ action: "reject", reasons: [{ code: "invalid_email" }] });
    expect(decideImport({ ...base, validation: { ok: true, dedupKey: null } }).action).toBe(
      "reject",
    );
    expect(
      decideImport({
        ...base,
        validation: { ok: true, dedupKey: key },
        suppression: [
          {
            key: { kind: "email", value: "jane.doe@acme-example.com", field: "person.email" },
            entry: {
              kind: "email",
              value: "jane.doe@acme-example.com",
              reason: "manual",
              origin: "api",
              created_at: NOW.toISOString(),
            },
          },
        ],
      }),
    ).toMatchObject({ action: "suppress", reasons: [{ code: "suppressed_email" }] });
    expect(decideImport({ ...base, validation: { ok: true, dedupKey: key } }).action).toBe(
      "create",
    );
  });

  it("existing: stage advanced → preserve; update disabled → preserve; merge with updates → update", () => {
    const ticket = { tickettype_id: 1, status_id: lifecycle.lead.statuses.engaged };
    expect(
      decideImport({ ...base, validation: { ok: true, dedupKey: key }, existing: { ticket } }),
    ).toMatchObject({
      action: "preserve",
      reasons: [{ code: "stage_advanced" }],
    });
    const fresh = { tickettype_id: 1, status_id: lifecycle.lead.statuses.new_lead };
    expect(
      decideImport({
        ...base,
        validation: { ok: true, dedupKey: key },
        existing: { ticket: fresh },
        options: { update_existing: false },
      }),
    ).toMatchObject({ action: "preserve", reasons: [{ code: "update_disabled" }] });
    const merge = smartMerge(input({}));
    expect(
      decideImport({
        ...base,
        validation: { ok: true, dedupKey: key },
        existing: { ticket: fresh },
        merge,
      }).action,
    ).toBe("update");
    const nothing = smartMerge(input({ current: incoming, lastWritten: incoming }));
    expect(
      decideImport({
        ...base,
        validation: { ok: true, dedupKey: key },
        existing: { ticket: fresh },
        merge: nothing,
      }),
    ).toMatchObject({ action: "preserve", reasons: [{ code: "no_new_data" }] });
  });
});
