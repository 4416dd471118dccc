import fc from "fast-check";

/** A JSON Schema node as the OpenAPI 3.1 document writes it (the subset the app's zod emits). */
export interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  allOf?: SchemaNode[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  example?: unknown;
  default?: unknown;
}

type Resolve = (ref: string) => SchemaNode;

/** Strings a hostile caller sends: huge, control characters, traversal, NUL, odd Unicode. */
export const hostileString = fc.oneof(
  fc.constant("x".repeat(100_000)),
  fc.constant("Zoë\u0000Null\u0007Bell\u001b[31mEsc\r\nCRLF\u202eRTL"),
  fc.constantFrom(
    "../../../etc/passwd",
    "..%2F..%2Fconfig",
    "%00",
    "\u0000",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "\ud800",
    "𝕏".repeat(2_000),
    "",
    " ",
    "NaN",
    "-1",
    "1e309",
  ),
  fc.string({ unit: "binary", maxLength: 40 }),
);

/** A value of any JSON type but the expected one. */
export const wrongType = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.string({ maxLength: 8 }),
  fc.constant(Array.from({ length: 10_000 }, (_, i) => i)),
);

function stringArb(s: SchemaNode): fc.Arbitrary<string> {
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).map((v) => v.slice(0, 300));
  switch (s.format) {
    case "email":
      return fc.emailAddress();
    case "date-time":
      return fc
        .date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true })
        .map((d) => d.toISOString());
    case "uri":
    case "url":
      return fc.webUrl();
  }
  const minLength = s.minLength ?? 0;
  return fc.string({ minLength, maxLength: Math.min(s.maxLength ?? 40, minLength + 40) });
}

/**
 * Values the schema admits (mostly: patterns and formats are approximated), from its
 * `example` when it has one, so generated leads look like leads and reach the pipeline.
 */
export function fromSchema(schema: SchemaNode, resolve: Resolve, depth = 0): fc.Arbitrary<unknown> {
  const s = schema.$ref ? resolve(schema.$ref) : schema;
  if (depth > 6) return fc.constant(s.example ?? s.default ?? null);
  const choices: fc.Arbitrary<unknown>[] = [];
  if (s.example !== undefined) choices.push(fc.constant(s.example));
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const union = s.anyOf ?? s.oneOf;
  if (union) return fc.oneof(...union.map((u) => fromSchema(u, resolve, depth + 1)));
  if (s.allOf?.[0]) return fromSchema(s.allOf[0], resolve, depth + 1);
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  for (const type of types) {
    switch (type) {
      case "object": {
        const props = s.properties ?? {};
        const keys = Object.keys(props);
        if (keys.length === 0) {
          choices.push(
            fc.dictionary(
              fc.string({ minLength: 1, maxLength: 12 }),
              fc.jsonValue({ maxDepth: 1 }),
              {
                maxKeys: 4,
              },
            ),
          );
          break;
        }
        const record: Record<string, fc.Arbitrary<unknown>> = {};
        for (const k of keys) record[k] = fromSchema(props[k] ?? {}, resolve, depth + 1);
        choices.push(fc.record(record, { requiredKeys: s.required ?? [] }));
        break;
      }
      case "array":
        choices.push(
          fc.array(fromSchema(s.items ?? {}, resolve, depth + 1), {
            minLength: s.minItems ?? 0,
            maxLength: Math.min(s.maxItems ?? 3, (s.minItems ?? 0) + 3),
          }),
        );
        break;
      case "string":
        choices.push(stringArb(s));
        break;
      case "integer":
        choices.push(
          fc.integer({
            min: s.minimum ?? (s.exclusiveMinimum ?? -1_000_001) + 1,
            max: s.maximum ?? (s.exclusiveMaximum ?? 1_000_001) - 1,
          }),
        );
        break;
      case "number":
        choices.push(
          fc.double({
            min: s.minimum ?? -1e6,
            max: s.maximum ?? 1e6,
            noNaN: true,
            noDefaultInfinity: true,
          }),
        );
        break;
      case "boolean":
        choices.push(fc.boolean());
        break;
      case "null":
        choices.push(fc.constant(null));
        break;
    }
  }
  if (choices.length === 0) return fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(...choices);
}

type JsonPath = (string | number)[];

function leafPaths(value: unknown, path: JsonPath = [], out: JsonPath[] = []): JsonPath[] {
  out.push(path);
  if (Array.isArray(value)) {
    for (const [i, v] of value.slice(0, 5).entries()) leafPaths(v, [...path, i], out);
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) leafPaths(v, [...path, k], out);
  }
  return out;
}

function setAt(value: unknown, path: JsonPath, next: unknown, remove = false): unknown {
  if (path.length === 0) return next;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    copy[head as number] = setAt(copy[head as number], rest, next, remove);
    return copy;
  }
  const copy = { ...(value as Record<string, unknown>) };
  if (remove && rest.length === 0) delete copy[head as string];
  else copy[head as string] = setAt(copy[head as string], rest, next, remove);
  return copy;
}

/** One mutation of a valid value: a wrong type, a hostile string, a missing or unknown key. */
export function mutate(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(valid, fc.nat(), fc.nat({ max: 4 }), hostileString, wrongType)
    .map(([value, pick, how, hostile, wrong]) => {
      const paths = leafPaths(value);
      const path = paths[pick % paths.length] ?? [];
      switch (how) {
        case 0:
          return setAt(value, path, wrong);
        case 1:
          return setAt(value, path, hostile);
        case 2:
          return path.length > 0 ? setAt(value, path, undefined, true) : null;
        case 3:
          return setAt(value, [...path.filter((p) => typeof p === "string"), "unknown_key"], 1);
        default:
          return setAt(value, path, {
            nested: Array.from({ length: 50 }, () => ({ a: [hostile] })),
          });
      }
    });
}

/** Raw bodies no schema describes: deep nesting, not JSON, the wrong shape at the top. */
export const rawBody = fc.constantFrom(
  `{"data":${'{"a":'.repeat(8_000)}1${"}".repeat(8_000)}}`,
  `${"[".repeat(10_000)}${"]".repeat(10_000)}`,
  "{",
  "not json",
  "",
  "null",
  "[]",
  '"string"',
  "1e999",
  '{"__proto__":{"admin":true}}',
  `[${Array.from({ length: 10_000 }, () => "{}").join(",")}]`,
);
