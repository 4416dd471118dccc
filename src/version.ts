/**
 * The service version has one source, package.json (`npm version` bumps it): `/health` reports
 * it and the OpenAPI document's `info.version` is it. Named import: the bundle keeps this one
 * field, not the whole manifest.
 */
import { version } from "../package.json";

export const SERVICE_VERSION: string = version;
