import { z } from "zod";
import type { HaloTenantSettings } from "./settings";

/** A cached OAuth token. Lives only in HaloGate's storage; never logged or returned. */
export interface StoredToken {
  accessToken: string;
  /** Which credentials obtained it (see `credentialsKey`): a config change must not reuse it. */
  credentials: string;
  obtainedAt: number;
  expiresAt: number;
}

// Token response: {access_token, token_type: "Bearer", expires_in (seconds), scope}. The lifetime
// is undocumented, so it is read from the response, never assumed (halopsa-api.md §2).
const TokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive(),
});

/**
 * Hosted Halo takes `?tenant=` on the token URL; on-premise has none (halopsa-api.md §2). The
 * base URL is where `/auth` and `/api` both live.
 */
export function tokenUrl(settings: HaloTenantSettings): string {
  const url = new URL(`${settings.baseUrl}/auth/token`);
  if (settings.tenant) url.searchParams.set("tenant", settings.tenant);
  return url.toString();
}

export function tokenRequestBody(settings: HaloTenantSettings, secret: string): string {
  return new URLSearchParams({
    grant_type: "client_credentials",
    client_id: settings.clientId,
    client_secret: secret,
    scope: settings.scope,
  }).toString();
}

export function parseTokenResponse(
  body: unknown,
  now: number,
  credentials: string,
): StoredToken | undefined {
  const parsed = TokenResponseSchema.safeParse(body);
  if (!parsed.success) return undefined;
  return {
    accessToken: parsed.data.access_token,
    credentials,
    obtainedAt: now,
    expiresAt: now + parsed.data.expires_in * 1000,
  };
}

/**
 * Refresh a little before expiry (panoramicdata refreshes 5 minutes early, §2): a tenth of the
 * lifetime, at most a minute, so a request never leaves with a token that dies on the way.
 */
export function refreshMarginMs(token: StoredToken): number {
  return Math.min(60_000, (token.expiresAt - token.obtainedAt) / 10);
}

export function isUsable(
  token: StoredToken | undefined,
  credentials: string,
  now: number,
): token is StoredToken {
  return (
    token !== undefined &&
    token.credentials === credentials &&
    now < token.expiresAt - refreshMarginMs(token)
  );
}

/**
 * Identifies the credentials a token or an auth failure belongs to, without storing the secret:
 * a SHA-256 digest over base URL, tenant, client id, scope and secret.
 */
export async function credentialsKey(
  settings: HaloTenantSettings,
  secret: string,
): Promise<string> {
  const material = [settings.baseUrl, settings.tenant, settings.clientId, settings.scope, secret];
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(JSON.stringify(material)),
  );
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * HaloPSA usually answers 401 on an expired token but sometimes 400 (n8n#16857, §6.7). A 400 that
 * is a validation error carries a JSON object keyed by field path (§3.5); a 400 without one, or
 * one that talks about the token, is taken as an expiry.
 */
export function looksLikeExpiredToken(status: number, body: unknown, text: string): boolean {
  if (status === 401) return true;
  if (status !== 400) return false;
  if (/token|expired|unauthori[sz]ed/i.test(text)) return true;
  const isFieldErrors = typeof body === "object" && body !== null && !Array.isArray(body);
  return !isFieldErrors || Object.keys(body).length === 0;
}
