import { z } from "zod";

/**
 * Tolerant zod building blocks for provider payloads (providers.md §4): ids may be strings or
 * numbers (64-bit ids arrive as strings), anything may be null or missing, booleans may be
 * strings, and unknown fields pass through. Conversion to clean values happens in the
 * normalisers via `domain/cleanse/values`, so the schemas only check structure.
 */
export const looseId = z.union([z.string(), z.number(), z.bigint()]).nullish();
export const looseText = z.union([z.string(), z.number()]).nullish();
/** true/false, "true"/"false"/"1"/"0"/"", "Yes"/"No"/"Uncertain", 1/0. */
export const looseBool = z.union([z.boolean(), z.string(), z.number()]).nullish();
export const looseNumber = z.union([z.number(), z.string()]).nullish();
export const looseList = z.array(z.unknown()).nullish();

/** Zod issues → our Issue shape, with the path prefixed. */
export function zodIssues(
  error: z.ZodError,
  prefix: string,
): { field: string; code: string; message: string }[] {
  return error.issues.map((i) => ({
    field: [prefix, ...i.path.map(String)].filter((p) => p !== "").join("."),
    code: `schema_${i.code}`,
    message: i.message,
  }));
}
