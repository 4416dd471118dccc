import type { RateLimits } from "./rate-limit-policy";

/** Scopes nest: an admin key may do what a write key may, and a write key what a read key may. */
export const SCOPES = ["read", "write", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

const RANK: Record<Scope, number> = { read: 1, write: 2, admin: 3 };

export interface Principal {
  keyId: string;
  name: string;
  scopes: Scope[];
  /** The key's effective limits (its own, else the seed's defaults). */
  rateLimits: RateLimits;
}

export function hasScope(principal: Principal, needed: Scope): boolean {
  return principal.scopes.some((s) => RANK[s] >= RANK[needed]);
}
