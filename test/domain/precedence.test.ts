import { describe, expect, it } from "vitest";
import { mergeByPrecedence, sourceOrder } from "../../src/domain/precedence";
import { BASE, lead } from "./fixtures";

describe("multi-source precedence", () => {
  const apollo = lead("apollo", {
    person: {
      id: "ap-1",
      first_name: "Jane",
      last_name: "Doe",
      title: "Head of IT",
      email: "jane.doe@acme-example.com",
      email_status: "guessed",
      linkedin_url: "https://linkedin.com/in/jane-apollo",
      phone_numbers: [{ sanitized_number: "+14155550199", type: "mobile" }],
      organization: {
        name: "Acme Widgets",
        primary_domain: "acme-example.com",
        estimated_num_employees: 110,
        technology_names: ["Azure"],
        country: "United States",
      },
    },
  });
  const zoominfo = lead("zoominfo", {
    id: 77,
    firstName: "Jane",
    lastName: "Doe",
    jobTitle: "Director of IT",
    email: "jane.doe@acme-example.com",
    phone: "(415) 555-0101",
    mobilePhoneDoNotCall: true,
    company: {
      name: "Acme Widgets Inc.",
      website: "acme-example.com",
      employeeCount: 120,
      country: "United States",
    },
  });

  it("contact and company info from ZoomInfo, social and technographics from Apollo", () => {
    const r = mergeByPrecedence([apollo, zoominfo]);
    if (r === null) throw new Error("no result");
    expect(r.lead.person.title).toBe("Director of IT");
    expect(r.chosen["person.title"]).toBe("zoominfo");
    expect(r.lead.company.employee_count).toBe(120);
    expect(r.chosen["company.employee_count"]).toBe("zoominfo");
    expect(r.lead.person.phones.map((p) => p.e164)).toEqual(["+14155550101"]);
    expect(r.chosen["person.phones"]).toBe("zoominfo");
    expect(r.lead.person.linkedin_url).toBe("https://linkedin.com/in/jane-apollo");
    expect(r.chosen["person.linkedin_url"]).toBe("apollo");
    expect(r.lead.company.technologies).toEqual(["Azure"]);
    expect(r.chosen["company.technologies"]).toBe("apollo");
  });

  it("order of input does not matter; a missing value falls through to the next source", () => {
    const r = mergeByPrecedence([zoominfo, apollo]);
    expect(r?.lead.person.title).toBe("Director of IT");
    const noTitle = { ...zoominfo, person: { ...zoominfo.person, title: null } };
    const r2 = mergeByPrecedence([noTitle, apollo]);
    expect(r2?.lead.person.title).toBe("Head of IT");
    expect(r2?.chosen["person.title"]).toBe("apollo");
  });

  it("email verification prefers Hunter", () => {
    const hunter = lead("hunter", {
      data: {
        email: "jane.doe@acme-example.com",
        first_name: "Jane",
        last_name: "Doe",
        score: 97,
        domain: "acme-example.com",
        verification: { status: "valid" },
      },
    });
    const r = mergeByPrecedence([apollo, zoominfo, hunter]);
    expect(r?.lead.person.email_status).toBe("verified");
    expect(r?.chosen["person.email"]).toBe("hunter");
    expect(r?.lead.signals.email_confidence).toBe(97);
  });

  it("opt-out flags from any source win", () => {
    const optedOut = lead("generic", { ...BASE, do_not_contact: "true" });
    const r = mergeByPrecedence([zoominfo, optedOut]);
    expect(r?.lead.flags.do_not_contact).toBe(true);
  });

  it("unlisted sources rank after listed ones", () => {
    expect(sourceOrder("phoneNumbers")).toEqual(["zoominfo", "apollo", "hunter", "generic"]);
    expect(sourceOrder("emailVerification")[0]).toBe("hunter");
  });
});
