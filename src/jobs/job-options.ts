import { z } from "zod";
import { ImportOptionsSchema } from "../pipeline/options";

/**
 * The options an import job is stored with (`jobs.options`): the import's own, plus whether the
 * job goes on past a lead that fails. Parsed, not cast, when a chunk reads them back from D1.
 */
export const JobOptionsSchema = ImportOptionsSchema.extend({ continue_on_error: z.boolean() });
export type JobOptions = z.infer<typeof JobOptionsSchema>;
