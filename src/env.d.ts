// Secrets are not in wrangler.jsonc, so `wrangler types` cannot see them; they are declared here
// (optional: a deployment may leave a provider unconfigured). Locally they come from .dev.vars.
declare namespace Cloudflare {
  interface Env {
    HALO_CLIENT_SECRET?: string;
    APOLLO_API_KEY?: string;
    ZOOMINFO_API_KEY?: string;
    HUNTER_API_KEY?: string;
  }
}
interface Env {
  HALO_CLIENT_SECRET?: string;
  APOLLO_API_KEY?: string;
  ZOOMINFO_API_KEY?: string;
  HUNTER_API_KEY?: string;
}
