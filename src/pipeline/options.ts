import { z } from "zod";

/**
 * How one import treats the leads it is given: the `options` of `POST /sync/leads`,
 * `/validate/leads` and `/sync/leads/bulk`, stored with every import job. Declared once; the
 * API schema (`routes/lead-schemas.ts`) is this one with its OpenAPI name.
 */
export const ImportOptionsSchema = z
  .object({
    deduplication: z.boolean().default(true),
    update_existing: z.boolean().default(true),
    custom_fields: z.boolean().default(true),
  })
  .strict();
export type ImportOptions = z.infer<typeof ImportOptionsSchema>;

export const DEFAULT_IMPORT_OPTIONS: ImportOptions = ImportOptionsSchema.parse({});
