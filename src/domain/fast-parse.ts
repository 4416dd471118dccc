import type { z } from "zod";
import { type ZodDef as Def, defOf } from "./zod-def";

/**
 * `schema.safeParse(value)` with a structural pre-check for plain JSON data: provider records
 * and stored canonical leads are parsed once per lead on the import's hot path, and zod's
 * general machinery (issue collection, a copied output) costs more there than the rest of the
 * record's cleansing. The pre-check is compiled once per schema from its zod definition and
 * answers only "zod would accept this, and its output would hold the same data"; anything it is
 * not sure of — a value it refuses, a schema feature it does not model (defaults, transforms,
 * refinements, any check other than a regex) — goes to `schema.safeParse`, so errors, issues and
 * paths are zod's own. On success the caller's value is returned as the data, not a copy: the
 * callers only read it (a provider record's unknown keys, kept as extras, are the caller's own
 * values under zod too). A loose object's keys keep the caller's order (zod lists the known keys
 * first); a strict-shape (`z.object`) value passes only when its keys already appear in the
 * schema's order, so its data is exactly zod's. test/domain/fast-paths-core.test.ts compares
 * both on random inputs.
 */
export function safeParseFast<T extends z.ZodType>(
  schema: T,
  value: unknown,
): z.ZodSafeParseResult<z.output<T>> {
  let check = compiled.get(schema);
  if (check === undefined) {
    check = compile(schema);
    compiled.set(schema, check);
  }
  if (check?.(value)) return { success: true, data: value as z.output<T> };
  return schema.safeParse(value);
}

type Check = (value: unknown) => boolean;

const compiled = new WeakMap<z.ZodType, Check | null>();

/**
 * A plain data object: Object's prototype (zod's output has it, whatever the input had) and no
 * own `__proto__` key (which a copy would turn into a prototype change). Anything else is
 * zod's. Symbol-keyed properties, which no JSON text can carry, are not looked for: zod's copy
 * would drop them, this keeps them, and nothing here reads them.
 */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  return Object.getPrototypeOf(v) === Object.prototype && !Object.hasOwn(v, "__proto__");
}

// Scalar kinds a schema made only of primitives, optional, nullable and unions of those
// accepts: one `typeof` test instead of a call per wrapper.
const STRING = 1;
const NUMBER = 2;
const BOOLEAN = 4;
const BIGINT = 8;
const NULL = 16;
const UNDEFINED = 32;
const ANY = 64;

/** The kinds `schema` accepts when it is such a scalar schema, else null. */
function scalarKinds(schema: z.ZodType): number | null {
  const def = defOf(schema);
  const plain = (def.checks ?? []).length === 0;
  switch (def.type) {
    case "string":
      return plain ? STRING : null;
    case "number":
      return plain ? NUMBER : null;
    case "boolean":
      return plain ? BOOLEAN : null;
    case "bigint":
      return plain ? BIGINT : null;
    case "unknown":
      return ANY;
    case "optional":
    case "nullable": {
      const inner = def.innerType === undefined ? null : scalarKinds(def.innerType);
      if (inner === null) return null;
      return inner | (def.type === "optional" ? UNDEFINED : NULL);
    }
    case "union": {
      if (def.discriminator !== undefined) return null;
      let kinds = 0;
      for (const o of def.options ?? []) {
        const k = scalarKinds(o);
        if (k === null) return null;
        kinds |= k;
      }
      return kinds;
    }
    default:
      return null;
  }
}

/** Whether `v` is one of `kinds` (a scalarKinds answer). */
function isKind(kinds: number, v: unknown): boolean {
  if (kinds & ANY) return true;
  switch (typeof v) {
    case "string":
      return (kinds & STRING) !== 0;
    case "number":
      // zod 4 refuses NaN and ±Infinity.
      return (kinds & NUMBER) !== 0 && Number.isFinite(v);
    case "boolean":
      return (kinds & BOOLEAN) !== 0;
    case "bigint":
      return (kinds & BIGINT) !== 0;
    case "undefined":
      return (kinds & UNDEFINED) !== 0;
    default:
      return v === null && (kinds & NULL) !== 0;
  }
}

function kindCheck(kinds: number): Check {
  return (v) => isKind(kinds, v);
}

/** A checker for `schema`, or null when the schema uses something not modelled here. */
function compile(schema: z.ZodType): Check | null {
  const kinds = scalarKinds(schema);
  if (kinds !== null) return kindCheck(kinds);
  const def = defOf(schema);
  const checks = def.checks ?? [];
  switch (def.type) {
    case "string": {
      const patterns: RegExp[] = [];
      for (const c of checks) {
        const d = c._zod.def;
        if (d.check !== "string_format" || d.format !== "regex" || !(d.pattern instanceof RegExp))
          return null;
        if (d.pattern.global || d.pattern.sticky) return null; // stateful: leave it to zod
        patterns.push(d.pattern);
      }
      if (patterns.length === 0) return (v) => typeof v === "string";
      return (v) => typeof v === "string" && patterns.every((p) => p.test(v));
    }
    case "number":
      // zod 4 refuses NaN and ±Infinity.
      return checks.length === 0 ? (v) => typeof v === "number" && Number.isFinite(v) : null;
    case "boolean":
      return checks.length === 0 ? (v) => typeof v === "boolean" : null;
    case "bigint":
      return checks.length === 0 ? (v) => typeof v === "bigint" : null;
    case "unknown":
      return () => true;
    case "enum": {
      const values = new Set(Object.values(def.entries ?? {}));
      return (v) => values.has(v);
    }
    case "optional":
    case "nullable": {
      const inner = def.innerType === undefined ? null : compile(def.innerType);
      if (inner === null) return null;
      return def.type === "optional"
        ? (v) => v === undefined || inner(v)
        : (v) => v === null || inner(v);
    }
    case "union": {
      if (def.discriminator !== undefined) return null;
      const options: Check[] = [];
      for (const o of def.options ?? []) {
        // zod takes the first option that accepts; with objects in the options that could be
        // one whose output differs from the option this check finds. Only scalars and arrays
        // of them, whose output is the value itself whichever option takes it.
        if (!valueOption(o)) return null;
        const c = compile(o);
        if (c === null) return null;
        options.push(c);
      }
      return (v) => options.some((c) => c(v));
    }
    case "array": {
      const element = def.element === undefined ? null : compile(def.element);
      if (element === null || checks.length > 0) return null;
      return (v) => {
        if (!Array.isArray(v)) return false;
        // By index, holes included (a hole is no JSON value; `every` would skip it).
        for (let i = 0; i < v.length; i++) if (!(i in v) || !element(v[i])) return false;
        return true;
      };
    }
    case "record": {
      // Only string keys with any value: every own key of a plain object passes.
      if (def.keyType === undefined || def.valueType === undefined) return null;
      if (defOf(def.keyType).type !== "string" || (defOf(def.keyType).checks ?? []).length > 0)
        return null;
      const value = compile(def.valueType);
      if (value === null || checks.length > 0) return null;
      return (v) => isPlainObject(v) && Object.values(v).every(value);
    }
    case "object":
      return checks.length > 0 ? null : compileObject(def);
    default:
      return null;
  }
}

/** A schema made of scalars, `unknown` and arrays of those, through optional/nullable. */
function valueOption(schema: z.ZodType): boolean {
  if (scalarKinds(schema) !== null) return true;
  const def = defOf(schema);
  if ((def.type === "optional" || def.type === "nullable") && def.innerType !== undefined)
    return valueOption(def.innerType);
  return def.type === "array" && def.element !== undefined && valueOption(def.element);
}

function compileObject(def: Def): Check | null {
  const shape = def.shape ?? {};
  const keys = Object.keys(shape);
  // zod reads `input[key]`: a key Object.prototype also has would read an inherited value.
  if (keys.some((k) => k in Object.prototype)) return null;
  const fields: Check[] = [];
  for (const k of keys) {
    const c = compile(shape[k] as z.ZodType);
    if (c === null) return null;
    fields.push(c);
  }
  const order = new Map(keys.map((k, i) => [k, i]));
  // Scalar fields (most of them) are tested in the loop below without a call per value.
  const kindsAt = keys.map((k) => scalarKinds(shape[k] as z.ZodType) ?? -1);
  const ok = (at: number, value: unknown): boolean => {
    const kinds = kindsAt[at] as number;
    return kinds >= 0 ? isKind(kinds, value) : (fields[at] as Check)(value);
  };
  // Keys that must be present: their schema refuses the `undefined` an absent key reads as.
  const isRequired = fields.map((c) => !c(undefined));
  const required = isRequired.filter(Boolean).length;
  let loose: boolean;
  if (def.catchall === undefined) loose = false;
  else if (defOf(def.catchall).type === "unknown") loose = true;
  else return null; // strict objects and typed catch-alls: not modelled
  if (!loose) {
    // A `z.object`: zod drops unknown keys and lists the known ones in the schema's order, so
    // the value is its output only when its own keys already follow that order with nothing
    // else. One walk along the schema's keys checks that: a skipped key must take `undefined`.
    return (v) => {
      if (!isPlainObject(v)) return false;
      let j = 0;
      // for…in: with Object.prototype as the prototype (and nothing enumerable on it) it lists
      // the own keys, and lets V8 read `v[k]` through its enum cache.
      for (const k in v) {
        while (j < keys.length && keys[j] !== k) {
          if (isRequired[j]) return false;
          j++;
        }
        if (j === keys.length || !ok(j, v[k])) return false;
        j++;
      }
      for (; j < keys.length; j++) if (isRequired[j]) return false;
      return true;
    };
  }
  // A loose object, by the value's own keys (a provider record holds a few of its schema's
  // many, in any order): an absent key passes when its schema takes `undefined`, which
  // `required` has counted.
  return (v) => {
    if (!isPlainObject(v)) return false;
    let present = 0;
    for (const k in v) {
      const at = order.get(k);
      if (at === undefined) continue; // passed through as it is
      if (!ok(at, v[k])) return false;
      if (isRequired[at]) present += 1;
    }
    return present >= required;
  };
}
