import { describe, expect, it } from "vitest";
import { companyCompareKey, companyDisplayName } from "../../src/domain/cleanse/company";
import { normaliseEmail } from "../../src/domain/cleanse/email";
import { buildName, isObfuscatedName } from "../../src/domain/cleanse/name";
import { normalisePhone } from "../../src/domain/cleanse/phone";
import {
  parseLooseBoolean,
  parseLooseDate,
  parseRevenueText,
} from "../../src/domain/cleanse/values";
import { websiteToDomain } from "../../src/domain/cleanse/website";

describe("email", () => {
  it("normalises case, whitespace and mailto:", () => {
    for (const v of [
      "Jane@Acme.com",
      "  jane@acme.com ",
      "mailto:JANE@ACME.COM",
      "Jane <jane@acme.com>",
    ]) {
      expect(normaliseEmail(v)).toEqual({ kind: "ok", email: "jane@acme.com" });
    }
  });
  it("placeholders are 'no email', malformed addresses are invalid", () => {
    expect(normaliseEmail("email_not_unlocked@domain.com").kind).toBe("placeholder");
    expect(normaliseEmail("EMAIL_NOT_UNLOCKED@acme.io").kind).toBe("placeholder");
    for (const bad of ["a@@b.com", "no-at-sign", "a@b", "a b@c.com", "a@b.c", "a@-b.com"]) {
      expect(normaliseEmail(bad).kind).toBe("invalid");
    }
    expect(normaliseEmail("").kind).toBe("absent");
    expect(normaliseEmail(null).kind).toBe("absent");
    // IDN domains are compared in their ASCII (punycode) form (DESIGN: RFC 6531 addresses)
    expect(normaliseEmail("Jorg@Müller.de")).toEqual({
      kind: "ok",
      email: "jorg@xn--mller-kva.de",
    });
  });
});

describe("phone", () => {
  it("E.164 with a + prefix regardless of country", () => {
    expect(normalisePhone("+81 576-95-0781", null)?.e164).toBe("+81576950781");
    expect(normalisePhone("+41 56 544 42 90", "US")?.e164).toBe("+41565444290");
    expect(normalisePhone("0041 56 544 42 90", null)?.e164).toBe("+41565444290");
  });
  it("without + uses the given country and keeps the extension", () => {
    expect(normalisePhone("(360) 783-6816", "US")).toEqual({
      e164: "+13607836816",
      extension: null,
    });
    expect(normalisePhone("056 544 42 90", "CH")?.e164).toBe("+41565444290");
    expect(normalisePhone("020 7946 0958 ext. 123", "GB")).toEqual({
      e164: "+442079460958",
      extension: "123",
    });
  });
  it("without + and without a country it does not guess", () => {
    expect(normalisePhone("056 544 42 90", null)).toBeNull();
    expect(normalisePhone("12", "US")).toBeNull();
    expect(normalisePhone("n/a", "US")).toBeNull();
  });
});

describe("company names", () => {
  it("recases only ALL CAPS or all lower, keeping brand spellings", () => {
    const cases: [string, string][] = [
      ["ACME WIDGETS INC", "Acme Widgets Inc"],
      ["acme widgets llc", "Acme Widgets LLC"],
      ["IBM", "IBM"],
      ["AT&T", "AT&T"],
      ["iPhone Repairs Ltd", "iPhone Repairs Ltd"],
      ["McDonald's", "McDonald's"],
      ["MCDONALD'S CORP", "McDonald's Corp"],
      ["o'brien plumbing", "O'Brien Plumbing"],
      ["van der Berg Holding", "van der Berg Holding"],
      ["ABC PLUMBING GMBH", "ABC Plumbing GmbH"],
      ["  Northwind   Traders  ", "Northwind Traders"],
    ];
    for (const [input, expected] of cases) expect(companyDisplayName(input)).toBe(expected);
  });
  it("compare key strips legal suffixes for comparison only", () => {
    const key = companyCompareKey("Acme Widgets Inc.");
    expect(key).toBe("acmewidgets");
    for (const v of [
      "ACME WIDGETS, INC",
      "Acme Widgets LLC",
      "Acme Widgets Pty Ltd",
      "Acme Widgets GmbH",
      "Acme Widgets S.A.",
    ]) {
      expect(companyCompareKey(v)).toBe(key);
    }
    expect(companyCompareKey("Société Générale SA")).toBe("societegenerale");
    expect(companyCompareKey("AT&T")).toBe(companyCompareKey("AT and T"));
    expect(companyCompareKey("Company Inc")).toBe("company");
  });
});

describe("website → domain", () => {
  it("strips scheme, www, path, port, query; lower-cases; keeps IDN", () => {
    expect(websiteToDomain("https://WWW.Acme.com:8443/about?x=1#top")).toBe("acme.com");
    expect(websiteToDomain("http://www.apollo.io")).toBe("apollo.io");
    expect(websiteToDomain("www.zoominfo.com/")).toBe("zoominfo.com");
    expect(websiteToDomain("acme.co.uk")).toBe("acme.co.uk");
    expect(websiteToDomain("https://bücher.de/shop")).toBe("bücher.de");
    expect(websiteToDomain("not a website")).toBeNull();
    expect(websiteToDomain("")).toBeNull();
  });
});

describe("names", () => {
  it("trims, collapses spaces, NFC, and recases only uniform case", () => {
    expect(buildName({ first: "  JOSÉ  ", last: "garcía  márquez" })).toMatchObject({
      first_name: "José",
      last_name: "García Márquez",
      full_name: "José García Márquez",
    });
    // decomposed "é" (e + U+0301) becomes the composed form
    expect(buildName({ first: "Ren\u0065\u0301e" }).first_name).toBe("Ren\u00e9e");
    expect(buildName({ full: "ludwig van der berg" })).toMatchObject({
      first_name: "Ludwig van der",
      full_name: "Ludwig van der Berg",
    });
    // mixed case is somebody's deliberate spelling
    expect(buildName({ first: "Ludwig", last: "van der Berg" }).last_name).toBe("van der Berg");
    expect(buildName({ first: "Anne-Marie", last: "McAllister" }).last_name).toBe("McAllister");
  });
  it("Apollo obfuscated surnames are unknown", () => {
    expect(isObfuscatedName("S***h")).toBe(true);
    expect(isObfuscatedName("Hu***n")).toBe(true);
    expect(isObfuscatedName("Smith")).toBe(false);
    expect(buildName({ first: "Priya", lastObfuscated: "S***h" })).toEqual({
      first_name: "Priya",
      last_name: null,
      last_name_obfuscated: "S***h",
      full_name: "Priya",
    });
    expect(buildName({ first: "Priya", last: "S***h" }).last_name).toBeNull();
  });
});

describe("loose values", () => {
  it("string booleans", () => {
    expect(["true", "1", "Yes", true, 1].map(parseLooseBoolean)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(["false", "0", "no", false, 0].map(parseLooseBoolean)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(["", "Uncertain", null, undefined].map(parseLooseBoolean)).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });
  it("dates", () => {
    expect(parseLooseDate("6/19/2020 1:41 PM")).toBe("2020-06-19T13:41:00.000Z");
    expect(parseLooseDate("12/1/2020 12:05 AM")).toBe("2020-12-01T00:05:00.000Z");
    expect(parseLooseDate("06/27/2020")).toBe("2020-06-27T00:00:00.000Z");
    expect(parseLooseDate("2023-08-01T00:00:00.000+00:00")).toBe("2023-08-01T00:00:00.000Z");
    expect(parseLooseDate(1731623340000)).toBe("2024-11-14T22:29:00.000Z");
    expect(parseLooseDate("Notice not required")).toBeNull();
    expect(parseLooseDate("2/31/2020")).toBeNull();
  });
  it("revenue text", () => {
    expect(parseRevenueText("$400 Million")).toBe(400_000_000);
    expect(parseRevenueText("$1.2 Billion")).toBe(1_200_000_000);
    expect(parseRevenueText("251.2M")).toBe(251_200_000);
    expect(parseRevenueText("lots")).toBeNull();
  });
});
