/**
 * Outbound URL guard: decides whether LeadBridge may send a request (and the credential that goes
 * with it) to a URL. Pure: no DNS, no fetch, no clock.
 *
 * What it covers, on the URL as the WHATWG parser sees it (the parser workerd's `fetch` uses, so
 * the guard and the request can never disagree about the host):
 * - scheme: `https:` only; plain `http:` only for `localhost` / `127.0.0.1` / `[::1]` when the
 *   deployment sets the explicit dev flag (`allowLocalHttp`);
 * - no userinfo (`user:pass@`), which would otherwise ride along to the host and be echoed back;
 * - IP literals in private (RFC 1918, CGNAT 100.64/10, ULA fc00::/7), loopback, link-local,
 *   multicast, unspecified, documentation/benchmark/reserved ranges — IPv4, IPv6, IPv4-mapped,
 *   IPv4-compatible, NAT64 and 6to4 forms. Decimal, octal, hex and short IPv4 spellings
 *   (`2130706433`, `0x7f000001`, `0177.0.0.1`, `127.1`) need no code here: the WHATWG parser
 *   canonicalises them to dotted quads before we look, which the tests pin;
 * - cloud metadata endpoints by name (`metadata.google.internal` …) and by address
 *   (`169.254.169.254`, `fd00:ec2::254` …), reported as `metadata_address`;
 * - `localhost`, `*.localhost` (always loopback), single-label names and internal-only suffixes
 *   (`.internal`, `.local`, `.home.arpa` …);
 * - ports other than the scheme default, unless allow-listed; the caller's own hosts (loops).
 *
 * What it does not cover: a public name whose DNS answer is a private address (DNS rebinding).
 * A Worker cannot resolve names itself, so it cannot check the answer; in production Cloudflare
 * refuses Worker subrequests to private and loopback destinations itself, which closes that gap at
 * the edge. The guard also cannot see redirects: every credentialed fetch must use
 * `redirect: "manual"` and treat a 3xx as an error, so a permitted host cannot bounce the secret
 * elsewhere. Locally (`wrangler dev`, tests) there is no such edge refusal, which is why plain
 * http and loopback are only ever allowed behind the explicit dev flag.
 */

export interface UrlGuardOptions {
  /** Dev flag: permits `http://` and `https://` to localhost / 127.0.0.1 / [::1] only, any port. */
  allowLocalHttp: boolean;
  /** Ports allowed besides the scheme's default (443). */
  allowedPorts?: readonly number[];
  /** Hostnames that are this service itself (requests to them would loop). */
  selfHosts?: readonly string[];
}

export type UrlRefusal =
  | "invalid_url"
  | "scheme_not_allowed"
  | "userinfo_not_allowed"
  | "private_address"
  | "loopback_address"
  | "link_local_address"
  | "multicast_address"
  | "reserved_address"
  | "metadata_address"
  | "port_not_allowed"
  | "self_target";

export type UrlVerdict = { ok: true; url: URL } | { ok: false; code: UrlRefusal; reason: string };

/** Longer than any real API base URL; bounds the work done on hostile input. */
const MAX_URL_LENGTH = 2048;

/** Hosts the dev flag opens (exactly what the local sandbox and `wrangler dev` use). */
const LOCAL_DEV_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

const METADATA_HOSTNAMES = new Set([
  "metadata.google.internal",
  "metadata.goog",
  "metadata",
  "instance-data",
  "instance-data.ec2.internal",
  "metadata.azure.internal",
  "metadata.platformequinix.com",
]);

/** Suffixes only an internal resolver answers for (RFC 6762, RFC 8375, ICANN's `.internal`). */
const INTERNAL_SUFFIXES = [
  ".internal",
  ".local",
  ".localdomain",
  ".home.arpa",
  ".lan",
  ".intranet",
  ".corp",
];

const METADATA_IPV4 = new Set([
  "169.254.169.254",
  "169.254.170.2",
  "100.100.100.200",
  "192.0.0.192",
]);

interface Ipv4Range {
  base: number;
  bits: number;
  code: UrlRefusal;
  what: string;
}

function v4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

/** Ordered: the first match names the refusal. */
const IPV4_BLOCKED: readonly Ipv4Range[] = [
  {
    base: v4(0, 0, 0, 0),
    bits: 8,
    code: "reserved_address",
    what: "unspecified / this-network 0.0.0.0/8",
  },
  { base: v4(10, 0, 0, 0), bits: 8, code: "private_address", what: "private 10.0.0.0/8" },
  {
    base: v4(100, 64, 0, 0),
    bits: 10,
    code: "private_address",
    what: "carrier-grade NAT 100.64.0.0/10",
  },
  { base: v4(127, 0, 0, 0), bits: 8, code: "loopback_address", what: "loopback 127.0.0.0/8" },
  {
    base: v4(169, 254, 0, 0),
    bits: 16,
    code: "link_local_address",
    what: "link-local 169.254.0.0/16",
  },
  { base: v4(172, 16, 0, 0), bits: 12, code: "private_address", what: "private 172.16.0.0/12" },
  {
    base: v4(192, 0, 0, 0),
    bits: 24,
    code: "reserved_address",
    what: "IETF protocol assignments 192.0.0.0/24",
  },
  {
    base: v4(192, 0, 2, 0),
    bits: 24,
    code: "reserved_address",
    what: "documentation 192.0.2.0/24",
  },
  {
    base: v4(192, 88, 99, 0),
    bits: 24,
    code: "reserved_address",
    what: "6to4 relay anycast 192.88.99.0/24",
  },
  { base: v4(192, 168, 0, 0), bits: 16, code: "private_address", what: "private 192.168.0.0/16" },
  {
    base: v4(198, 18, 0, 0),
    bits: 15,
    code: "reserved_address",
    what: "benchmarking 198.18.0.0/15",
  },
  {
    base: v4(198, 51, 100, 0),
    bits: 24,
    code: "reserved_address",
    what: "documentation 198.51.100.0/24",
  },
  {
    base: v4(203, 0, 113, 0),
    bits: 24,
    code: "reserved_address",
    what: "documentation 203.0.113.0/24",
  },
  { base: v4(224, 0, 0, 0), bits: 4, code: "multicast_address", what: "multicast 224.0.0.0/4" },
  {
    base: v4(240, 0, 0, 0),
    bits: 4,
    code: "reserved_address",
    what: "reserved 240.0.0.0/4 and broadcast",
  },
];

function inRange(address: number, base: number, bits: number): boolean {
  if (bits === 0) return true;
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  return (address & mask) >>> 0 === (base & mask) >>> 0;
}

type AddressVerdict = { ok: true } | { ok: false; code: UrlRefusal; reason: string };

function refuse(code: UrlRefusal, reason: string): { ok: false; code: UrlRefusal; reason: string } {
  return { ok: false, code, reason };
}

const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** A dotted quad as a 32-bit number, or null when `text` is not one. */
export function parseIpv4(text: string): number | null {
  const match = DOTTED_QUAD.exec(text);
  if (!match) return null;
  const parts = match.slice(1).map(Number);
  if (parts.some((part) => part > 255)) return null;
  const [a = 0, b = 0, c = 0, d = 0] = parts;
  return v4(a, b, c, d);
}

function formatIpv4(address: number): string {
  return [address >>> 24, (address >>> 16) & 0xff, (address >>> 8) & 0xff, address & 0xff].join(
    ".",
  );
}

export function classifyIpv4(address: number): AddressVerdict {
  const text = formatIpv4(address);
  if (METADATA_IPV4.has(text))
    return refuse("metadata_address", `${text} is a cloud metadata endpoint`);
  for (const range of IPV4_BLOCKED) {
    if (inRange(address, range.base, range.bits))
      return refuse(range.code, `${text} is in ${range.what}`);
  }
  return { ok: true };
}

/** An IPv6 address (no brackets) as eight 16-bit groups, or null when it is not one. */
export function parseIpv6(text: string): number[] | null {
  if (!/^[0-9a-f:.]+$/i.test(text)) return null;
  let head = text;
  const tail: number[] = [];
  // A dotted-quad tail (WHATWG serialises it as hex, but accept it anyway).
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".")) {
    const quad = parseIpv4(text.slice(lastColon + 1));
    if (quad === null) return null;
    tail.push(quad >>> 16, quad & 0xffff);
    head = text.slice(0, lastColon + 1);
    // Keep a "::" that ends right before the quad; drop a single separating ":".
    if (!head.endsWith("::")) head = head.slice(0, -1);
  }
  const halves = head.split("::");
  if (halves.length > 2) return null;
  const toGroups = (part: string): number[] | null => {
    if (part === "") return [];
    const groups = part.split(":");
    const out: number[] = [];
    for (const group of groups) {
      if (!/^[0-9a-f]{1,4}$/i.test(group)) return null;
      out.push(Number.parseInt(group, 16));
    }
    return out;
  };
  const left = toGroups(halves[0] ?? "");
  const right = halves.length === 2 ? toGroups(halves[1] ?? "") : [];
  if (!left || !right) return null;
  const given = left.length + right.length + tail.length;
  if (halves.length === 2) {
    if (given > 7) return null;
    return [...left, ...new Array<number>(8 - given).fill(0), ...right, ...tail];
  }
  return given === 8 ? [...left, ...tail] : null;
}

function prefixMatches(
  groups: readonly number[],
  prefix: readonly number[],
  bits: number,
): boolean {
  for (let i = 0; i * 16 < bits; i++) {
    const take = Math.min(16, bits - i * 16);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if (((groups[i] ?? 0) & mask) !== ((prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

function embeddedIpv4(groups: readonly number[], at: number): number {
  return (((groups[at] ?? 0) << 16) | (groups[at + 1] ?? 0)) >>> 0;
}

function embeddedVerdict(groups: readonly number[], at: number, form: string): AddressVerdict {
  const inner = classifyIpv4(embeddedIpv4(groups, at));
  if (inner.ok) return inner;
  return refuse(inner.code, `${form} of ${inner.reason}`);
}

export function classifyIpv6(groups: readonly number[]): AddressVerdict {
  const text = groups.map((group) => group.toString(16)).join(":");
  const is = (prefix: readonly number[], bits: number) => prefixMatches(groups, prefix, bits);
  if (is([0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254], 128)) {
    return refuse("metadata_address", "fd00:ec2::254 is the AWS metadata endpoint");
  }
  if (is([0, 0, 0, 0, 0, 0, 0, 0], 128))
    return refuse("reserved_address", ":: is the unspecified address");
  if (is([0, 0, 0, 0, 0, 0, 0, 1], 128))
    return refuse("loopback_address", "::1 is the IPv6 loopback");
  if (is([0, 0, 0, 0, 0, 0xffff], 96)) return embeddedVerdict(groups, 6, "IPv4-mapped form");
  if (is([0, 0, 0, 0, 0, 0], 96)) {
    const inner = embeddedVerdict(groups, 6, "IPv4-compatible form");
    return inner.ok
      ? refuse("reserved_address", "IPv4-compatible IPv6 (::/96) is deprecated")
      : inner;
  }
  if (is([0x64, 0xff9b, 0, 0, 0, 0], 96)) return embeddedVerdict(groups, 6, "NAT64 form");
  if (is([0x64, 0xff9b, 1], 48))
    return refuse("private_address", "64:ff9b:1::/48 is local-use NAT64");
  if (is([0x2002], 16)) return embeddedVerdict(groups, 1, "6to4 form");
  if (is([0xfc00], 7)) return refuse("private_address", `${text} is in unique-local fc00::/7`);
  if (is([0xfe80], 10)) return refuse("link_local_address", `${text} is in link-local fe80::/10`);
  if (is([0xfec0], 10)) return refuse("private_address", `${text} is in site-local fec0::/10`);
  if (is([0xff00], 8)) return refuse("multicast_address", `${text} is in multicast ff00::/8`);
  if (is([0x2001, 0x0db8], 32))
    return refuse("reserved_address", `${text} is in documentation 2001:db8::/32`);
  if (is([0x3fff], 20)) return refuse("reserved_address", `${text} is in documentation 3fff::/20`);
  if (is([0x2001, 0], 23))
    return refuse("reserved_address", `${text} is in IETF protocol assignments 2001::/23`);
  // Everything routable on the internet is in 2000::/3; the rest (100::/64 discard …) is not.
  if (!is([0x2000], 3))
    return refuse("reserved_address", `${text} is outside global unicast 2000::/3`);
  return { ok: true };
}

function classifyName(host: string): AddressVerdict {
  if (host === "localhost" || host.endsWith(".localhost")) {
    return refuse("loopback_address", `${host} always resolves to the loopback interface`);
  }
  if (METADATA_HOSTNAMES.has(host))
    return refuse("metadata_address", `${host} is a cloud metadata endpoint`);
  if (!host.includes("."))
    return refuse(
      "private_address",
      `single-label name ${host} resolves on internal networks only`,
    );
  const suffix = INTERNAL_SUFFIXES.find((candidate) => host.endsWith(candidate));
  if (suffix)
    return refuse(
      "private_address",
      `${host} is under ${suffix}, which only internal resolvers answer`,
    );
  return { ok: true };
}

/** Classifies a WHATWG-parsed hostname (IPv6 in brackets), trailing dot ignored. */
export function classifyHost(hostname: string): AddressVerdict {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host === "") return refuse("invalid_url", "the URL has no host");
  if (host.startsWith("[") && host.endsWith("]")) {
    const groups = parseIpv6(host.slice(1, -1));
    if (!groups) return refuse("invalid_url", `${host} is not a valid IPv6 address`);
    return classifyIpv6(groups);
  }
  const ipv4 = parseIpv4(host);
  if (ipv4 !== null) return classifyIpv4(ipv4);
  // WHATWG turns any host ending in a numeric label into an IPv4 address or a parse error, so a
  // numeric last label here means a parser we do not expect; refuse rather than guess.
  if (/(^|\.)(\d+|0x[0-9a-f]*)$/.test(host))
    return refuse("invalid_url", `${host} looks like a malformed IP address`);
  return classifyName(host);
}

function normaliseHost(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, "");
}

/** May LeadBridge send a credentialed request to `raw`? */
export function checkOutboundUrl(raw: string, options: UrlGuardOptions): UrlVerdict {
  if (typeof raw !== "string" || raw.length === 0) return refuse("invalid_url", "the URL is empty");
  if (raw.length > MAX_URL_LENGTH)
    return refuse("invalid_url", `the URL is longer than ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse("invalid_url", "the URL does not parse");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return refuse("scheme_not_allowed", `scheme ${url.protocol} is not allowed; use https`);
  }
  if (url.username !== "" || url.password !== "") {
    return refuse(
      "userinfo_not_allowed",
      "credentials in the URL (user:password@) are not allowed",
    );
  }
  const host = normaliseHost(url.hostname);
  if (options.allowLocalHttp && LOCAL_DEV_HOSTS.has(host)) return { ok: true, url };
  // The address verdict first: it names the more serious problem of an `http://10.0.0.1`.
  const verdict = classifyHost(url.hostname);
  if (!verdict.ok) return verdict;
  if (url.protocol !== "https:") {
    return refuse("scheme_not_allowed", "plain http is not allowed; use https");
  }
  if (url.port !== "" && !(options.allowedPorts ?? []).includes(Number(url.port))) {
    return refuse(
      "port_not_allowed",
      `port ${url.port} is not allowed; use the https default (443)`,
    );
  }
  if ((options.selfHosts ?? []).some((self) => normaliseHost(self) === host)) {
    return refuse("self_target", `${host} is this service itself`);
  }
  return { ok: true, url };
}
