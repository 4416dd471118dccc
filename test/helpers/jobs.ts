import type { JobOptions } from "../../src/jobs/job-options";
import { DEFAULT_IMPORT_OPTIONS } from "../../src/pipeline/options";

/** The options of a bulk import job as the API stores them by default: go on past a failed lead. */
export const JOB_OPTIONS: JobOptions = { ...DEFAULT_IMPORT_OPTIONS, continue_on_error: true };
