import { describe, expect, it } from "vitest";
import {
  legacyDomainSpelling,
  legacyEmailSpelling,
  normaliseEmail,
  toAsciiDomain,
} from "../../src/domain/cleanse/email";
import { dedupKey } from "../../src/domain/dedup-key";
import {
  leadSuppressionKeys,
  matchSuppressions,
  normaliseSuppressionKey,
} from "../../src/domain/suppression";
import { BASE, lead, NOW } from "./fixtures";

// Spellings of one internationalised address (RFC 6531): the local part precomposed (NFC) or
// decomposed (NFD), in any letter case, the domain in Unicode or in its punycode form.
const NFC = "björn.dubois@bücher.example";
const SPELLINGS = [
  NFC,
  NFC.normalize("NFD"),
  "Björn.Dubois@Bücher.Example",
  "BJÖRN.DUBOIS@BÜCHER.EXAMPLE".normalize("NFD"),
  "björn.dubois@xn--bcher-kva.example",
  "mailto:Björn.Dubois@XN--BCHER-KVA.example",
];
const KEY = "björn.dubois@xn--bcher-kva.example";

describe("internationalised email addresses (RFC 6531)", () => {
  it("accepts UTF-8 local parts and normalises every spelling to one address", () => {
    for (const s of SPELLINGS) expect(normaliseEmail(s)).toEqual({ kind: "ok", email: KEY });
    expect(normaliseEmail("dmitri.yılmaz@örnek.example")).toEqual({
      kind: "ok",
      email: "dmitri.yılmaz@xn--rnek-4qa.example",
    });
    expect(normaliseEmail("用户@例子.广告")).toEqual({
      kind: "ok",
      email: "用户@xn--fsqu00a.xn--4rr70v",
    });
  });

  it("lower-cases without a locale: ß and dotless ı are kept, ASCII I becomes i", () => {
    expect(normaliseEmail("Straße@acme.example")).toEqual({
      kind: "ok",
      email: "straße@acme.example",
    });
    // Not merged with "strasse": full case folding could join two mailboxes.
    expect(normaliseEmail("STRASSE@acme.example")).toEqual({
      kind: "ok",
      email: "strasse@acme.example",
    });
    expect(normaliseEmail("DMITRI.YILMAZ@acme.example")).toEqual({
      kind: "ok",
      email: "dmitri.yilmaz@acme.example",
    });
    expect(normaliseEmail("Dmitri.Yılmaz@acme.example")).toEqual({
      kind: "ok",
      email: "dmitri.yılmaz@acme.example",
    });
  });

  it("still refuses what is not an address", () => {
    for (const bad of [
      "björn dubois@acme.example", // space
      "björn\u200b@acme.example", // zero-width space
      "björn@acme", // one label
      "björn@xn--zz.example", // broken punycode
      "björn@bü%63her.example",
      `${"ö".repeat(33)}@acme.example`, // 66 octets of local part
    ]) {
      expect(normaliseEmail(bad).kind, bad).toBe("invalid");
    }
  });

  it("converts domains with the platform's IDNA (WHATWG URL host parser)", () => {
    expect(toAsciiDomain("Bücher.Example")).toBe("xn--bcher-kva.example");
    expect(toAsciiDomain("xn--bcher-kva.example")).toBe("xn--bcher-kva.example");
    expect(toAsciiDomain("acme.example")).toBe("acme.example");
    expect(toAsciiDomain("localhost")).toBeNull();
    expect(legacyDomainSpelling("xn--bcher-kva.example")).toBe("bücher.example");
    expect(legacyDomainSpelling("acme.example")).toBeNull();
    expect(legacyEmailSpelling(KEY)).toBe("björn.dubois@bücher.example");
    expect(legacyEmailSpelling("jane@acme.example")).toBeNull();
  });

  it("every spelling gives one dedup key", () => {
    const keys = SPELLINGS.map((email) =>
      dedupKey(lead("generic", { ...BASE, first_name: "Björn", email })),
    );
    for (const k of keys) expect(k).toEqual({ kind: "email", value: `email:${KEY}` });
  });

  it("suppression matches across spellings, and entries stored in Unicode still match", () => {
    const l = lead("generic", { ...BASE, email: "Björn.Dubois@Bücher.Example" });
    expect(normaliseSuppressionKey("email", "BJÖRN.DUBOIS@xn--bcher-kva.example")).toEqual({
      kind: "email",
      value: KEY,
    });
    expect(normaliseSuppressionKey("domain", "https://www.Bücher.example/")).toEqual({
      kind: "domain",
      value: "xn--bcher-kva.example",
    });
    const at = NOW.toISOString();
    for (const [kind, value] of [
      ["email", "björn.dubois@xn--bcher-kva.example"],
      ["domain", "bücher.example"],
    ] as const) {
      expect(
        matchSuppressions(l, [{ kind, value, reason: "asked", origin: "api", created_at: at }]),
      ).toHaveLength(1);
    }
    // Lookup keys carry the pre-ASCII spelling too, so rows stored before the change match.
    expect(leadSuppressionKeys(l).map((k) => k.value)).toEqual(
      expect.arrayContaining([KEY, "björn.dubois@bücher.example", "xn--bcher-kva.example"]),
    );
  });
});
