import { DecimalLiteral, plainJson } from "./json";
import { type FieldKind, HALO_FIELDS, type HaloEntity } from "./schema-fields";

/** 400 body: messages keyed by field path, e.g. {"[0].summary": "..."} (halopsa-api.md §3.5). */
export type Issues = Record<string, string>;

export interface CustomFieldWrite {
  id: number;
  value: unknown;
}

export interface TagWrite {
  id?: number;
  text?: string;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof DecimalLiteral);
}

function show(v: unknown): string {
  return v instanceof DecimalLiteral ? v.source : typeof v === "string" ? v : JSON.stringify(v);
}

function toInt(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  // .NET converts integer strings ("12") to int, but not "12.0" or "abc".
  if (typeof v === "string" && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

/** Coerces one value to the schema kind the way HaloPSA's deserializer would, or reports it. */
function coerce(kind: FieldKind, v: unknown, path: string, issues: Issues): unknown {
  if (v === null) return null;
  switch (kind) {
    case "int": {
      const n = toInt(v);
      if (n === undefined) issues[path] = `Input string '${show(v)}' is not a valid integer.`;
      return n;
    }
    case "double": {
      if (v instanceof DecimalLiteral) return v.value;
      if (typeof v === "number") return v;
      if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
      issues[path] = `Could not convert '${show(v)}' to double.`;
      return undefined;
    }
    case "bool": {
      if (typeof v === "boolean") return v;
      if (v === "true" || v === "false") return v === "true";
      if (v === 0 || v === 1) return v === 1;
      issues[path] = `Could not convert '${show(v)}' to boolean.`;
      return undefined;
    }
    case "string": {
      if (typeof v === "string") return v;
      if (typeof v === "number" || typeof v === "boolean") return String(v);
      if (v instanceof DecimalLiteral) return v.source;
      issues[path] = `Unexpected ${Array.isArray(v) ? "array" : "object"} when reading string.`;
      return undefined;
    }
    case "date": {
      if (typeof v === "string" && !Number.isNaN(Date.parse(v))) return v;
      issues[path] = `Could not convert '${show(v)}' to DateTime.`;
      return undefined;
    }
    case "array": {
      if (Array.isArray(v)) return plainJson(v);
      issues[path] = "Cannot deserialize the current JSON value into an array.";
      return undefined;
    }
    case "object": {
      if (isPlainObject(v)) return plainJson(v);
      issues[path] = "Cannot deserialize the current JSON value into an object.";
      return undefined;
    }
    default:
      return plainJson(v);
  }
}

function customFields(v: unknown, path: string, issues: Issues): CustomFieldWrite[] | undefined {
  if (v === null) return [];
  if (!Array.isArray(v)) {
    issues[path] = "Cannot deserialize the current JSON value into an array.";
    return undefined;
  }
  const out: CustomFieldWrite[] = [];
  v.forEach((item, i) => {
    const itemPath = `${path}[${i}]`;
    if (!isPlainObject(item)) {
      issues[itemPath] = "Cannot deserialize the current JSON value into CustomField.";
      return;
    }
    const id = toInt(item.id);
    // Writing by name is unverified upstream (§3.4), so the sandbox requires the id.
    if (id === undefined) {
      issues[`${itemPath}.id`] = `Input string '${show(item.id)}' is not a valid integer.`;
      return;
    }
    out.push({ id, value: plainJson(item.value ?? null) });
  });
  return out;
}

function tags(v: unknown, path: string, issues: Issues): TagWrite[] | undefined {
  if (v === null) return [];
  if (!Array.isArray(v)) {
    issues[path] = "Cannot deserialize the current JSON value into an array.";
    return undefined;
  }
  const out: TagWrite[] = [];
  v.forEach((item, i) => {
    const itemPath = `${path}[${i}]`;
    // Faults.tags is an array of Tag objects {id, text} in the schema, not of strings.
    if (!isPlainObject(item)) {
      issues[itemPath] = "Cannot deserialize the current JSON value into Tag.";
      return;
    }
    const id = item.id === undefined || item.id === null ? undefined : toInt(item.id);
    const text = typeof item.text === "string" ? item.text.trim() : undefined;
    if (item.id !== undefined && item.id !== null && id === undefined) {
      issues[`${itemPath}.id`] = `Input string '${show(item.id)}' is not a valid integer.`;
    } else if (!text && id === undefined) {
      issues[`${itemPath}.text`] = "A tag needs a text or an id.";
    } else {
      out.push({ id, text });
    }
  });
  return out;
}

export interface SanitizedItem {
  fields: Record<string, unknown>;
  customfields?: CustomFieldWrite[];
  tags?: TagWrite[];
}

/**
 * Keeps only properties HaloPSA's schema defines for the entity, coerced to their kinds.
 * Unknown properties (the seed's `jobtitle`, `clientname`, `linkedin_url`) are dropped silently,
 * as Halo's model binder does.
 */
export function sanitizeItem(
  entity: HaloEntity,
  item: unknown,
  index: number,
  issues: Issues,
): SanitizedItem | undefined {
  const base = `[${index}]`;
  if (!isPlainObject(item)) {
    issues[base] = "Cannot deserialize the current JSON value into an object.";
    return undefined;
  }
  const schema: Record<string, FieldKind> = HALO_FIELDS[entity];
  const out: SanitizedItem = { fields: {} };
  for (const [key, value] of Object.entries(item)) {
    const kind = schema[key];
    if (kind === undefined) continue;
    const path = `${base}.${key}`;
    if (key === "customfields") {
      const cf = customFields(value, path, issues);
      if (cf) out.customfields = cf;
    } else if (key === "tags" && entity === "tickets") {
      const t = tags(value, path, issues);
      if (t) out.tags = t;
    } else {
      const coerced = coerce(kind, value, path, issues);
      if (coerced !== undefined) out.fields[key] = coerced;
    }
  }
  return out;
}
