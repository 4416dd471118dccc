// The `bundle` figure: what `npm run deploy` would upload, built by the same dry run `npm test`
// checks (scripts/bundle-size.mjs: `wrangler deploy --dry-run --env production`, no network, no
// account). Cloudflare's Worker size limit applies to the gzip size: 3 MB on Free, 10 MB paid.
import { productionBundleSize } from "../scripts/bundle-size.mjs";

export function measureBundle() {
  return {
    scenario: "bundle",
    ...productionBundleSize(),
    measure: "wrangler deploy --dry-run --env production --outdir <tmp>; gzip of index.js",
  };
}
