import type { ProviderName } from "./state";

/**
 * Keys the simulators accept: the service's test and dev keys (vitest.config.ts TEST_SECRETS,
 * scripts/lib/dev-env.mjs). Anything else is refused the way the provider refuses it.
 */
export const API_KEYS: Record<ProviderName, readonly string[]> = {
  apollo: ["test-apollo-key", "sandbox-apollo-key"],
  zoominfo: ["test-zoominfo-key", "sandbox-zoominfo-key"],
  hunter: ["test-hunter-key", "sandbox-hunter-key"],
};

const BIG = "__sandbox_bigint__:";

/** Marks a value to be written as a bare integer literal, even beyond 2^53. */
export function bigInt(value: bigint): string {
  return `${BIG}${value.toString()}`;
}

/**
 * JSON response whose bigInt() markers become raw integer literals: Apollo's `request_id`
 * (1039995589705121900 in its docs) cannot be represented by a JS number, which is exactly what
 * a client must survive (providers.md §1.4).
 */
export function json(value: unknown, status = 200, headers?: HeadersInit): Response {
  const h = new Headers(headers);
  h.set("content-type", "application/json; charset=utf-8");
  const text = JSON.stringify(value).replace(/"__sandbox_bigint__:(-?\d+)"/g, "$1");
  return new Response(text, { status, headers: h });
}

/** A request's JSON body, or {} when it is empty or not an object. */
export async function bodyObject(req: Request): Promise<Record<string, unknown> | null> {
  const text = await req.text();
  if (text.trim() === "") return {};
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === "object" && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** Query parameters with Rails-style arrays (`person_titles[]=a&person_titles[]=b`). */
export function queryObject(url: URL): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of url.searchParams) {
    if (rawKey.endsWith("[]")) {
      const key = rawKey.slice(0, -2);
      const list = Array.isArray(out[key]) ? (out[key] as unknown[]) : [];
      list.push(value);
      out[key] = list;
    } else {
      out[rawKey] = value;
    }
  }
  return out;
}

export function strings(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string" && x !== "");
  if (typeof v === "string" && v !== "") return v.split(/[\n,]/).map((s) => s.trim());
  return [];
}

export function int(v: unknown, fallback: number): number {
  const n = typeof v === "number" ? v : typeof v === "string" && v !== "" ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? Math.trunc(n) : fallback;
}

/** "Director of IT" contains "it director"? No: every word of the needle must appear. */
export function titleMatches(title: string, needles: string[]): boolean {
  if (needles.length === 0) return true;
  const hay = title.toLowerCase();
  return needles.some((n) =>
    n
      .toLowerCase()
      .split(/\s+/)
      .filter(Boolean)
      .every((w) => hay.includes(w)),
  );
}
