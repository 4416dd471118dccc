import { describe, expect, it } from "vitest";
import {
  allowedNext,
  checkTransition,
  legalPath,
  lifecycleStates,
  missingForConversion,
  missingForOpportunity,
  missingForQualified,
  missingRequirements,
  transitionNote,
} from "../../src/domain/lifecycle";

const key = (s: { stage: string; status: string }) => `${s.stage}.${s.status}`;

/** The seed's arrows, written out by hand from crm-workflow-and-mappings.txt's diagrams. */
const SEED_ARROWS = [
  "lead.new_lead>lead.researching",
  "lead.researching>lead.contacted",
  "lead.researching>lead.invalid_data",
  "lead.contacted>lead.engaged",
  "lead.contacted>lead.no_interest",
  "lead.contacted>lead.do_not_contact",
  "lead.engaged>prospect.new_prospect",
  "prospect.new_prospect>prospect.prospecting",
  "prospect.prospecting>prospect.qualified",
  "prospect.prospecting>prospect.disqualified",
  "prospect.qualified>opportunity.new_opportunity",
  "opportunity.new_opportunity>opportunity.progressing",
  "opportunity.progressing>opportunity.negotiation",
  "opportunity.negotiation>opportunity.won",
  "opportunity.negotiation>opportunity.lost",
].sort();

describe("lifecycle state machines", () => {
  it("has exactly the seed's 16 states and 15 arrows", () => {
    const states = lifecycleStates();
    expect(states).toHaveLength(16);
    const arrows = states
      .flatMap((s) => allowedNext(s.stage, s.status).map((t) => `${key(s)}>${key(t)}`))
      .sort();
    expect(arrows).toEqual(SEED_ARROWS);
  });

  it("answers every pair: legal ones ok, the rest with the allowed next states", () => {
    const states = lifecycleStates();
    for (const from of states) {
      for (const to of states) {
        const check = checkTransition(from, to);
        const legal = SEED_ARROWS.includes(`${key(from)}>${key(to)}`);
        expect(check.ok, `${key(from)} → ${key(to)}`).toBe(legal);
        if (!check.ok) expect(check.allowed).toEqual(allowedNext(from.stage, from.status));
        else expect(check.conversion).toBe(from.stage !== to.stage);
      }
    }
  });

  it("refuses unknown stages and statuses", () => {
    expect(allowedNext("lead", "closed")).toEqual([]);
    const check = checkTransition(
      { stage: "deal", status: "won" },
      { stage: "lead", status: "new_lead" },
    );
    expect(check).toEqual({ ok: false, allowed: [] });
  });

  it("finds the shortest legal path, and none backwards", () => {
    expect(
      legalPath(
        { stage: "lead", status: "engaged" },
        { stage: "opportunity", status: "new_opportunity" },
      )?.map(key),
    ).toEqual([
      "prospect.new_prospect",
      "prospect.prospecting",
      "prospect.qualified",
      "opportunity.new_opportunity",
    ]);
    expect(
      legalPath({ stage: "lead", status: "new_lead" }, { stage: "lead", status: "contacted" })?.map(
        key,
      ),
    ).toEqual(["lead.researching", "lead.contacted"]);
    expect(
      legalPath({ stage: "prospect", status: "qualified" }, { stage: "lead", status: "engaged" }),
    ).toBeNull();
    expect(
      legalPath({ stage: "lead", status: "no_interest" }, { stage: "lead", status: "engaged" }),
    ).toBeNull();
  });
});

describe("requirements", () => {
  const full = {
    pain_points: "Manual reporting",
    qualified_services: "Managed analytics",
    decision_maker: "CFO Jane Roe",
    budget_range: "50000-100000",
    timeframe: "Q3",
    fit_score: 85,
  };

  it("conversion names each criterion that was not recorded", () => {
    expect(missingForConversion(undefined).map((m) => m.field)).toEqual([
      "qualification_data.pain_points",
      "qualification_data.budget_range",
      "qualification_data.decision_maker",
      "qualification_data.timeframe",
      "qualification_data.fit_score",
    ]);
    const { timeframe: _, ...noTimeframe } = full;
    expect(missingForConversion(noTimeframe).map((m) => m.criterion)).toEqual([
      "implementation_timeframe",
    ]);
    // Recorded but not met yet is enough to become a prospect.
    expect(missingForConversion({ ...full, decision_maker: false, fit_score: 40 })).toEqual([]);
  });

  it("qualified needs all five met and the required prospect fields", () => {
    expect(missingForQualified(full)).toEqual([]);
    expect(missingForQualified({ ...full, fit_score: 69 }).map((m) => m.criterion)).toEqual([
      "fit_score",
    ]);
    expect(missingForQualified({ ...full, fit_score: 70 })).toEqual([]);
    expect(
      missingForQualified({ ...full, decision_maker: false, qualified_services: " " }).map(
        (m) => m.field,
      ),
    ).toEqual(["qualification_data.decision_maker", "qualification_data.qualified_services"]);
  });

  it("an opportunity needs value, probability, close date and products", () => {
    expect(missingForOpportunity({ value: 0, probability: 10 }).map((m) => m.field)).toEqual([
      "opportunity_data.expected_close_date",
      "opportunity_data.products_services",
    ]);
  });

  it("won and lost need a reason; other steps do not", () => {
    const neg = { stage: "opportunity", status: "negotiation" } as const;
    const won = { stage: "opportunity", status: "won" } as const;
    expect(missingRequirements(neg, won, {}).map((m) => m.field)).toEqual(["reason"]);
    expect(missingRequirements(neg, won, { reason: "Best price" })).toEqual([]);
    expect(
      missingRequirements(
        neg,
        { stage: "opportunity", status: "lost" },
        {
          opportunity: { win_loss_reason: "Went with a competitor" },
        },
      ),
    ).toEqual([]);
    expect(
      missingRequirements(
        { stage: "lead", status: "new_lead" },
        { stage: "lead", status: "researching" },
        {},
      ),
    ).toEqual([]);
  });

  it("writes the note HaloPSA users read", () => {
    expect(
      transitionNote(
        { stage: "lead", status: "engaged" },
        { stage: "prospect", status: "new_prospect" },
        "LeadBridge API key k1",
        "Budget confirmed",
      ),
    ).toBe(
      "Status changed from Engaged (lead) to New Prospect (prospect) by LeadBridge API key k1: Budget confirmed",
    );
  });
});
