import { HALO_FIELDS, type HaloEntity } from "./schema-fields";

/**
 * A number written with a decimal point or exponent but an integral value (`95.0`). HaloPSA's
 * .NET deserializer rejects such a literal for an int property ("Halo rejects ids sent as 95.0",
 * halopsa-api.md §3.3), so the parser keeps the source text for the validator to see.
 */
export class DecimalLiteral {
  constructor(
    readonly value: number,
    readonly source: string,
  ) {}
}

const LITERAL_MARK = "__halo_decimal_literal__:";

/**
 * Rewrites number literals such as `95.0` or `1e2` (integral value, decimal spelling) outside
 * strings into marker strings, because JSON.parse forgets how a number was written.
 */
function markDecimalLiterals(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? "";
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const num =
      ch === "-" || (ch >= "0" && ch <= "9")
        ? /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 64))
        : null;
    if (num) {
      const literal = num[0];
      const integral = /[.eE]/.test(literal) && Number.isInteger(Number(literal));
      out += integral ? `"${LITERAL_MARK}${literal}"` : literal;
      i += literal.length;
      continue;
    }
    out += ch;
    i += 1;
  }
  return out;
}

/** JSON.parse that keeps `95.0`-style literals visible to the validator as DecimalLiteral. */
export function parseJsonBody(text: string): unknown {
  return JSON.parse(markDecimalLiterals(text), (_key: string, value: unknown) => {
    if (typeof value === "string" && value.startsWith(LITERAL_MARK)) {
      const source = value.slice(LITERAL_MARK.length);
      return new DecimalLiteral(Number(source), source);
    }
    return value;
  });
}

/** Replaces DecimalLiteral markers by their numbers (for values stored without type checks). */
export function plainJson(value: unknown): unknown {
  if (value instanceof DecimalLiteral) return value.value;
  if (Array.isArray(value)) return value.map(plainJson);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainJson(v)]));
  }
  return value;
}

// Id-like properties the schema types as number/double are serialised with a decimal point by
// the real API: `Site.client_id` → 21.0 and `Users.site_id` → 21.0 (halo-observed-shapes.json
// numeric_quirks). Derived from the schema so it stays in step with the generated field list.
const DECIMAL_ID_FIELDS = new Map<string, ReadonlySet<string>>(
  Object.entries(HALO_FIELDS).map(([entity, fields]) => [
    entity,
    new Set(
      Object.entries(fields)
        .filter(([name, kind]) => kind === "double" && (name === "id" || name.endsWith("_id")))
        .map(([name]) => name),
    ),
  ]),
);

const MARK = "__halo_decimal__:";

/** Prepares a record for output: decimal-serialised id fields become markers for `toJson`. */
export function withDecimalIds(
  entity: HaloEntity,
  record: Record<string, unknown>,
): Record<string, unknown> {
  const fields = DECIMAL_ID_FIELDS.get(entity);
  if (!fields || fields.size === 0) return record;
  const out: Record<string, unknown> = { ...record };
  for (const name of fields) {
    const v = out[name];
    if (typeof v === "number" && Number.isInteger(v)) out[name] = `${MARK}${v}`;
  }
  return out;
}

/** JSON.stringify that writes the markers from `withDecimalIds` as `21.0`. */
export function toJson(value: unknown): string {
  return JSON.stringify(value).replace(/"__halo_decimal__:(-?\d+)"/g, "$1.0");
}

export function jsonResponse(value: unknown, status = 200, headers?: HeadersInit): Response {
  const h = new Headers(headers);
  h.set("content-type", "application/json; charset=utf-8");
  return new Response(toJson(value), { status, headers: h });
}
