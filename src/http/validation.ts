import type { z } from "@hono/zod-openapi";
import { AppError } from "../errors";
import { fieldPath } from "./envelope";

export interface FieldIssue {
  field: string;
  code: string;
  message: string;
}

export function toFieldIssues(
  error: z.ZodError,
  prefix: readonly PropertyKey[] = [],
): FieldIssue[] {
  return error.issues.map((issue) => {
    // An unknown key is reported on its parent; name the key itself, which is what is at fault.
    const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
    const path = [...prefix, ...issue.path, ...(keys.length === 1 ? keys : [])];
    return { field: fieldPath(path) || "body", code: issue.code, message: issue.message };
  });
}

/** One VALIDATION_ERROR for a failed zod parse: the first field at fault, and all issues. */
export function validationError(
  error: z.ZodError,
  target: string,
  prefix: readonly PropertyKey[] = [],
): AppError {
  const issues = toFieldIssues(error, prefix);
  const first = issues[0];
  const message = first
    ? `Invalid ${target}: ${first.field}: ${first.message}`
    : `Invalid ${target}`;
  return new AppError("VALIDATION_ERROR", message, {
    details: { field: first?.field ?? target, location: target, issues },
  });
}
