import type { z } from "zod";

/**
 * The parts of a zod 4 schema's internal definition (`schema._zod.def`) that LeadBridge reads:
 * the fast pre-check compiles a schema from them (fast-parse.ts) and the schema fingerprint
 * describes one with them (lead-version.ts). zod does not type `_zod.def` for a general
 * `ZodType`, so this is the one place that says what those readers rely on.
 */
export interface ZodDef {
  type: string;
  checks?: { _zod: { def: { check?: string; format?: string; pattern?: RegExp } } }[];
  innerType?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: unknown;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  entries?: Record<string, unknown>;
}

export function defOf(schema: z.ZodType): ZodDef {
  return (schema as unknown as { _zod: { def: ZodDef } })._zod.def;
}
