import { describe, expect, it } from "vitest";
import {
  checkOutboundUrl,
  parseIpv6,
  type UrlGuardOptions,
  type UrlRefusal,
} from "../../src/security/url-guard";
import vectorFile from "../fixtures/ssrf-url-vectors.json";

const PROD: UrlGuardOptions = { allowLocalHttp: false, selfHosts: ["your-middleware.workers.dev"] };
const DEV: UrlGuardOptions = { allowLocalHttp: true };

function codeOf(raw: string, options: UrlGuardOptions = PROD): UrlRefusal | "ok" {
  const verdict = checkOutboundUrl(raw, options);
  return verdict.ok ? "ok" : verdict.code;
}

describe("checkOutboundUrl against the shared SSRF vectors", () => {
  it.each(vectorFile.vectors)("$input → $expected ($reason)", (vector) => {
    const verdict = checkOutboundUrl(vector.input, PROD);
    expect(verdict.ok ? "allow" : "block").toBe(vector.expected);
    if (!verdict.ok) expect(verdict.reason.length).toBeGreaterThan(0);
  });

  it("sees the hostname the WHATWG parser in workerd sees (numeric IPv4 spellings canonicalised)", () => {
    for (const vector of vectorFile.vectors) {
      if (!vector.whatwg_hostname) continue;
      expect(new URL(vector.input).hostname).toBe(vector.whatwg_hostname);
    }
  });
});

describe("checkOutboundUrl refusal codes", () => {
  it.each<[string, UrlRefusal | "ok"]>([
    ["https://2130706433/", "loopback_address"],
    ["https://0x7f000001/", "loopback_address"],
    ["https://0177.0.0.1/", "loopback_address"],
    ["https://127.1/", "loopback_address"],
    ["https://0x7f.1/", "loopback_address"],
    ["https://127.0.0.1./", "loopback_address"],
    ["https://[::1]/", "loopback_address"],
    ["https://localhost./", "loopback_address"],
    ["https://a.b.localhost/", "loopback_address"],
    ["https://169.254.169.254/", "metadata_address"],
    ["https://[::ffff:169.254.169.254]/", "metadata_address"],
    ["https://[fd00:ec2::254]/", "metadata_address"],
    ["https://metadata.google.internal./", "metadata_address"],
    ["https://169.254.1.1/", "link_local_address"],
    ["https://[fe80::1]/", "link_local_address"],
    ["https://[febf::1]/", "link_local_address"],
    ["https://10.255.255.255/", "private_address"],
    ["https://172.31.0.1/", "private_address"],
    ["https://100.64.0.0/", "private_address"],
    ["https://100.127.255.255/", "private_address"],
    ["https://[fc00::1]/", "private_address"],
    ["https://[fdff::1]/", "private_address"],
    ["https://[::ffff:10.0.0.1]/", "private_address"],
    ["https://[::ffff:7f00:1]/", "loopback_address"],
    ["https://[64:ff9b::7f00:1]/", "loopback_address"],
    ["https://[64:ff9b:1::1]/", "private_address"],
    ["https://[2002:c0a8:0101::1]/", "private_address"],
    ["https://[::127.0.0.1]/", "loopback_address"],
    ["https://[::8.8.8.8]/", "reserved_address"],
    ["https://[::]/", "reserved_address"],
    ["https://0.0.0.0/", "reserved_address"],
    ["https://0/", "reserved_address"],
    ["https://255.255.255.255/", "reserved_address"],
    ["https://192.0.2.1/", "reserved_address"],
    ["https://[2001:db8::1]/", "reserved_address"],
    ["https://[2001::1]/", "reserved_address"],
    ["https://[100::1]/", "reserved_address"],
    ["https://224.0.0.1/", "multicast_address"],
    ["https://[ff02::1]/", "multicast_address"],
    ["https://intranet/", "private_address"],
    ["https://halo.corp.internal/", "private_address"],
    ["https://printer.local/", "private_address"],
    ["http://halo.example.com/", "scheme_not_allowed"],
    ["ftp://halo.example.com/", "scheme_not_allowed"],
    ["javascript:alert(1)", "scheme_not_allowed"],
    ["https://user@halo.example.com/", "userinfo_not_allowed"],
    ["https://:pw@halo.example.com/", "userinfo_not_allowed"],
    ["https://halo.example.com:8443/", "port_not_allowed"],
    ["not a url", "invalid_url"],
    ["", "invalid_url"],
    [`https://halo.example.com/${"a".repeat(3000)}`, "invalid_url"],
    ["https://your-middleware.workers.dev./", "self_target"],
  ])("%s → %s", (raw, code) => {
    expect(codeOf(raw)).toBe(code);
  });

  it.each([
    "https://8.8.8.8/",
    "https://100.63.255.255/",
    "https://100.128.0.1/",
    "https://172.32.0.1/",
    "https://[2606:4700::1111]/",
    "https://[::ffff:8.8.8.8]/",
    "https://[64:ff9b::808:808]/",
    "https://halo.example.com:443/api",
    "https://acme.halopsa.com/auth",
    "https://api.apollo.io/api/v1",
  ])("allows %s", (raw) => {
    expect(codeOf(raw)).toBe("ok");
  });

  it("allows an allow-listed port", () => {
    expect(codeOf("https://halo.example.com:8443/", { ...PROD, allowedPorts: [8443] })).toBe("ok");
  });
});

describe("the local-development flag", () => {
  it.each([
    "http://localhost:8788/apollo",
    "http://127.0.0.1:51234",
    "http://[::1]:8788/",
    "https://localhost/",
  ])("allows %s only with the flag", (raw) => {
    expect(codeOf(raw, DEV)).toBe("ok");
    expect(codeOf(raw)).not.toBe("ok");
  });

  it.each([
    ["http://127.0.0.2/", "loopback_address"],
    ["http://foo.localhost/", "loopback_address"],
    ["http://10.0.0.1/", "private_address"],
    ["http://169.254.169.254/", "metadata_address"],
    ["http://halo.example.com/", "scheme_not_allowed"],
    ["http://user:pw@localhost:8788/", "userinfo_not_allowed"],
    ["http://2130706433:8788/", "ok"],
  ])("still refuses anything else: %s → %s", (raw, code) => {
    expect(codeOf(raw, DEV)).toBe(code);
  });
});

describe("parseIpv6", () => {
  it("expands compressed forms and dotted tails", () => {
    expect(parseIpv6("::1")).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIpv6("fd00:ec2::254")).toEqual([0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254]);
    expect(parseIpv6("::ffff:1.2.3.4")).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]);
    expect(parseIpv6("1:2:3:4:5:6:7:8")).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseIpv6("1::2::3")).toBeNull();
    expect(parseIpv6("1:2:3")).toBeNull();
    expect(parseIpv6("12345::")).toBeNull();
  });
});
