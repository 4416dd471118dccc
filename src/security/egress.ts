import { checkOutboundUrl, type UrlRefusal } from "./url-guard";

/**
 * The deployment's outbound base URLs (Worker variables), checked by the URL guard before any
 * credential is sent to them. Only the deployment sets these; the API-editable configuration
 * cannot move a credential to another host.
 */

export type DeploymentUrlName =
  | "HALO_BASE_URL"
  | "APOLLO_BASE_URL"
  | "ZOOMINFO_BASE_URL"
  | "HUNTER_BASE_URL";

export type DeploymentUrl =
  | { ok: true; url: string }
  | { ok: false; code: UrlRefusal; reason: string };

/** The explicit local-development flag: plain http to localhost only when it is "true". */
export function allowsLocalHttp(env: Env): boolean {
  return env.ALLOW_LOCAL_HTTP === "true";
}

/** A base URL without trailing slashes, so `${base}/path` is well formed. */
function trimmed(url: URL): string {
  return url.toString().replace(/\/+$/, "");
}

/** Checks a base URL; the reason names the variable but never echoes the value (userinfo). */
export function checkBaseUrl(env: Env, name: string, raw: string | undefined): DeploymentUrl {
  if (!raw || raw.trim() === "") {
    return { ok: false, code: "invalid_url", reason: `${name} is not set` };
  }
  const verdict = checkOutboundUrl(raw.trim(), { allowLocalHttp: allowsLocalHttp(env) });
  if (!verdict.ok) {
    return { ok: false, code: verdict.code, reason: `${name} is refused: ${verdict.reason}` };
  }
  if (verdict.url.search !== "" || verdict.url.hash !== "") {
    return { ok: false, code: "invalid_url", reason: `${name} must not carry a query or fragment` };
  }
  return { ok: true, url: trimmed(verdict.url) };
}

export function deploymentUrl(env: Env, name: DeploymentUrlName): DeploymentUrl {
  return checkBaseUrl(env, name, env[name]);
}

/**
 * A URL safe to show an authenticated reader: scheme, host, port and path, never userinfo,
 * query or fragment; null when it does not parse.
 */
export function displayUrl(raw: string | undefined): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw.trim());
    return `${url.protocol}//${url.host}${url.pathname}`.replace(/\/+$/, "");
  } catch {
    return null;
  }
}
