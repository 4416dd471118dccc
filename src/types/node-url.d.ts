// workerd provides `node:url` under the `nodejs_compat` flag (wrangler.jsonc), but the Worker is
// typed with @cloudflare/workers-types only, not @types/node (whose globals would hide what
// workerd lacks). Declared here: the one function the domain uses.
declare module "node:url" {
  /** ASCII (punycode) domain → Unicode; "" when the domain is invalid (WHATWG/UTS 46). */
  export function domainToUnicode(domain: string): string;
}
