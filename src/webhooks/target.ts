import { checkOutboundUrl, type UrlVerdict } from "../security/url-guard";

/**
 * Whether a webhook endpoint URL may be called, checked at registration and again before every
 * delivery (a name's meaning can change; the guard's rules can tighten). Plain http to localhost
 * only under the ALLOW_LOCAL_HTTP development flag; never this service's own hosts.
 */
export function checkEndpointUrl(
  env: Pick<Env, "ALLOW_LOCAL_HTTP" | "SELF_HOSTS">,
  url: string,
  extraSelfHosts: string[] = [],
): UrlVerdict {
  const selfHosts = [
    ...(env.SELF_HOSTS ?? "")
      .split(",")
      .map((h) => h.trim())
      .filter((h) => h !== ""),
    ...extraSelfHosts,
  ];
  return checkOutboundUrl(url, { allowLocalHttp: env.ALLOW_LOCAL_HTTP === "true", selfHosts });
}
