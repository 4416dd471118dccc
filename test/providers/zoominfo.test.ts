import { describe, expect, it } from "vitest";
import { normaliseRecord } from "../../src/providers";
import gtm from "../fixtures/providers/zoominfo-gtm.json";
import legacy from "../fixtures/providers/zoominfo-legacy-enrich.json";
import { leadsOf, NOW, oneLead } from "./helpers";

describe("ZoomInfo normaliser", () => {
  const lead = oneLead("zoominfo", legacy);

  it("legacy enrich: names recased, email lower-cased, numeric id as string", () => {
    expect(lead.person.first_name).toBe("Maeve");
    expect(lead.person.last_name).toBe("O'Connell");
    expect(lead.person.email).toBe("maeve.oconnell@helvetia-data-example.ch");
    expect(lead.provenance.record_id).toBe("1260398500");
    expect(lead.provenance.shape).toBe("zoominfo.legacy");
  });

  it("Swiss numbers without + use the company country; extension kept; DNC per phone", () => {
    expect(lead.company.country_code).toBe("CH");
    expect(lead.person.phones).toEqual([
      {
        e164: "+41446681800",
        extension: "12",
        type: "direct",
        raw: "044 668 18 00 ext. 12",
        dnc: false,
      },
      { e164: "+41795551234", extension: null, type: "mobile", raw: "+41 79 555 12 34", dnc: true },
    ]);
    expect(lead.company.phone?.e164).toBe("+41446681800");
  });

  it("string booleans and empty strings", () => {
    expect(lead.signals.recent_job_change).toBe(true); // "1"
    expect(lead.company.employee_count).toBeNull(); // ""
    expect(lead.company.employee_range).toBe("1,000 - 5,000");
    expect(lead.company.hq.state).toBeNull(); // ""
    expect(lead.signals.person_moved).toBe("uncertain");
  });

  it("three date formats: M/D/YYYY h:mm AM, MM/DD/YYYY, ISO and epoch millis", () => {
    expect(lead.signals.last_seen_at).toBe("2020-01-05T14:59:00.000Z");
    expect(lead.extras.notice_provided_at).toBe("2020-06-27T00:00:00.000Z");
    const [gtmLead] = leadsOf(normaliseRecord("zoominfo", gtm, NOW));
    expect(gtmLead?.signals.last_seen_at).toBe("2025-04-04T18:13:00.000Z");
    const epoch = oneLead("zoominfo", {
      firstName: "A",
      lastName: "B",
      email: "a@b-example.com",
      lastUpdatedDate: "",
      validDate: "1731623340000",
    });
    expect(epoch.signals.last_seen_at).toBe("2024-11-14T22:29:00.000Z");
  });

  it("revenue text and company fields", () => {
    expect(lead.company.revenue).toBe(1_200_000_000);
    expect(lead.company.industry).toBe("Financial Services");
    expect(lead.company.description).toBe("Banking data platform.");
    expect(lead.signals.intent_topics).toEqual(["Cloud Backup"]);
  });

  it("GTM: waterfall phone, NoMatch skipped with a warning", () => {
    const result = normaliseRecord("zoominfo", gtm, NOW);
    const leads = leadsOf(result);
    expect(leads).toHaveLength(1);
    expect(leads[0]?.person.phones[0]?.e164).toBe("+14155550134");
    expect(leads[0]?.person.last_name).toBe("Ibáñez");
    expect(leads[0]?.company.revenue).toBe(40_000_000);
    if (!result.ok) throw new Error("unreachable");
    expect(result.warnings).toContainEqual(
      expect.objectContaining({ field: "data[1]", code: "no_match" }),
    );
  });

  it("doNotCall + doNotEmail set every opt-out flag", () => {
    const l = oneLead("zoominfo", {
      firstName: "X",
      lastName: "Y",
      email: "x@y-example.com",
      doNotCall: "true",
      doNotEmail: true,
    });
    expect(l.flags).toEqual({
      do_not_contact: true,
      email_unsubscribed: true,
      call_opted_out: true,
    });
  });
});
