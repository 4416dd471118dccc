import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/config/schema";
import { assignLists } from "../../src/domain/lists";
import { qualityBreakdown, qualityScore } from "../../src/domain/quality";
import {
  hunterClaimedEmailSuppression,
  leadSuppressionKeys,
  matchSuppressions,
  normaliseSuppressionKey,
  providerOptOutSuppressions,
  type SuppressionEntry,
} from "../../src/domain/suppression";
import { BASE, lead, NOW } from "./fixtures";

const entry = (kind: SuppressionEntry["kind"], value: string): SuppressionEntry => ({
  kind,
  value,
  reason: "manual",
  origin: "api",
  created_at: NOW.toISOString(),
});

describe("suppression", () => {
  const l = lead("generic", BASE);

  it("email suppression matches in any letter case", () => {
    for (const v of [
      "JANE.DOE@ACME-EXAMPLE.COM",
      " Jane.Doe@acme-example.com",
      "mailto:jane.doe@Acme-Example.com",
    ]) {
      expect(matchSuppressions(l, [entry("email", v)])).toHaveLength(1);
    }
    expect(matchSuppressions(l, [entry("email", "john@acme-example.com")])).toHaveLength(0);
  });

  it("a domain suppression blocks every person at that domain", () => {
    const bob = lead("generic", { ...BASE, email: "bob@acme-example.com", first_name: "Bob" });
    for (const person of [l, bob]) {
      expect(
        matchSuppressions(person, [entry("domain", "https://WWW.ACME-example.com/")])[0]?.key.kind,
      ).toBe("domain");
    }
  });

  it("phone suppressions match on E.164 whatever the formatting", () => {
    expect(normaliseSuppressionKey("phone", "(415) 555-0101", "US")).toEqual({
      kind: "phone",
      value: "+14155550101",
    });
    expect(matchSuppressions(l, [entry("phone", "+1 (415) 555-0101")])).toHaveLength(1);
  });

  it("lists every key of a lead", () => {
    expect(leadSuppressionKeys(l).map((k) => `${k.kind}:${k.value}`)).toEqual([
      "email:jane.doe@acme-example.com",
      "domain:acme-example.com",
      "phone:+14155550101",
    ]);
  });

  it("provider opt-outs become suppression entries; Hunter 451 helper", () => {
    const optOut = lead("zoominfo", {
      firstName: "M",
      lastName: "K",
      email: "m@k-example.com",
      phone: "+41 44 668 18 00",
      mobilePhone: "+41 79 555 12 34",
      mobilePhoneDoNotCall: "true",
    });
    expect(
      providerOptOutSuppressions(optOut, NOW).map((e) => `${e.kind}:${e.value}:${e.reason}`),
    ).toEqual(["phone:+41795551234:provider_phone_dnc"]);
    const unsub = lead("apollo", {
      person: {
        first_name: "A",
        last_name: "B",
        email: "a@b-example.com",
        email_unsubscribed: true,
      },
    });
    expect(providerOptOutSuppressions(unsub, NOW)).toEqual([
      expect.objectContaining({
        kind: "email",
        value: "a@b-example.com",
        reason: "provider_email_unsubscribed",
      }),
    ]);
    expect(hunterClaimedEmailSuppression(" X@Y-example.com", NOW)).toMatchObject({
      kind: "email",
      value: "x@y-example.com",
      reason: "hunter_claimed_email",
    });
  });
});

describe("quality score (seed weights)", () => {
  it("sums email 30, phone 25, name 20, company+website 15, title 10", () => {
    expect(qualityScore(lead("generic", BASE))).toBe(100);
    const partial = lead("generic", { email: "a@b-example.com", first_name: "A", company: "B" });
    expect(qualityBreakdown(partial).parts).toEqual({
      email: 30,
      phone: 0,
      name: 0,
      company: 0,
      title: 0,
    });
  });
});

describe("lists", () => {
  const rules = defaultConfig().lists;
  it("source, hot/warm/cold by config thresholds, industry keywords, size, DNC; mirrored as tags", () => {
    const l = lead("apollo", {
      person: {
        email: "a@b-example.com",
        organization: {
          name: "B",
          industry: "hospital & health care",
          estimated_num_employees: 600,
        },
      },
    });
    const a = assignLists(l, 85, rules);
    expect(a.lists).toEqual(["apollo_leads", "hot_leads", "healthcare_leads", "enterprise_leads"]);
    expect(a.tags).toEqual(a.lists.map((text) => ({ text })));
    expect(assignLists(l, 80, rules).lists).toContain("warm_leads");
    expect(assignLists(l, 59, rules).lists).toContain("cold_leads");
    expect(assignLists(l, 59, rules, { suppressed: true }).lists).toContain("dnc_list");
    const small = lead("generic", { ...BASE, employee_count: 12, industry: "Legal Services" });
    expect(assignLists(small, 100, rules).lists).toEqual([
      "import_leads",
      "hot_leads",
      "legal_leads",
      "smb_leads",
    ]);
  });
});
