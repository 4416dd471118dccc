import { describe, expect, it } from "vitest";
import { normaliseRecord } from "../../src/providers";
import { isHunterClaimedEmail } from "../../src/providers/hunter/normalise";
import domainSearch from "../fixtures/providers/hunter-domain-search.json";
import { leadsOf, NOW, oneLead } from "./helpers";

describe("Hunter normaliser", () => {
  const result = normaliseRecord("hunter", domainSearch, NOW);

  it("domain search yields one lead per valid email entry, sharing the organisation", () => {
    const leads = leadsOf(result);
    expect(leads.map((l) => l.person.email)).toEqual([
      "ana.ruiz@brightlane-example.io",
      "kwame.mensah@brightlane-example.io",
    ]);
    for (const l of leads) {
      expect(l.company.name).toBe("Brightlane Labs Ltd");
      expect(l.company.domain).toBe("brightlane-example.io");
      expect(l.signals.email_pattern).toBe("{first}.{last}");
      expect(l.signals.webmail).toBe(false);
    }
  });

  it("the malformed entry is reported as a warning naming its field", () => {
    if (!result.ok) throw new Error("expected ok");
    expect(result.warnings).toContainEqual(
      expect.objectContaining({ field: "data.emails[2].value", code: "invalid_email" }),
    );
  });

  it("confidence, verification, sources and last seen", () => {
    const [ana, kwame] = leadsOf(result);
    expect(ana?.signals.email_confidence).toBe(94);
    expect(ana?.person.email_status).toBe("verified");
    expect(ana?.signals.last_seen_at).toBe("2025-06-01T00:00:00.000Z");
    expect(ana?.signals.source_urls).toEqual(["http://blog.brightlane-example.io/team"]);
    expect(kwame?.person.email_status).toBe("guessed");
    expect(kwame?.person.linkedin_url).toBe("https://www.linkedin.com/in/kwame-example");
  });

  it("email finder result", () => {
    const l = oneLead("hunter", {
      data: {
        first_name: "Dana",
        last_name: "Kim",
        email: "Dana@Kim-Example.com",
        score: 72,
        domain: "kim-example.com",
        position: "CEO",
        company: "Kim Example",
        sources: [],
      },
    });
    expect(l.person.email).toBe("dana@kim-example.com");
    expect(l.signals.email_confidence).toBe(72);
    expect(l.provenance.shape).toBe("hunter.email_finder");
  });

  it("recognises the 451 claimed_email error", () => {
    expect(isHunterClaimedEmail(451, {})).toBe(true);
    expect(
      isHunterClaimedEmail(400, { errors: [{ id: "claimed_email", code: 451, details: "…" }] }),
    ).toBe(true);
    expect(isHunterClaimedEmail(429, { errors: [{ id: "too_many_requests", code: 429 }] })).toBe(
      false,
    );
  });
});
