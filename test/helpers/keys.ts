import { env } from "cloudflare:workers";
import { generateApiKey, hashSecret } from "../../src/auth/api-key";
import type { Scope } from "../../src/auth/principal";
import type { RateLimits } from "../../src/auth/rate-limit-policy";
import { database } from "../../src/db/client";
import { apiKeys } from "../../src/db/schema";

/**
 * Limits no test reaches: suites send far more than the seed's 1,000 requests per hour and 10
 * bulk imports with one key. Tests of the limits themselves pass their own (or `null` for the
 * defaults).
 */
export const ROOMY_LIMITS: RateLimits = {
  requests_per_hour: 10_000_000,
  bulk_imports_per_hour: 100_000,
  concurrent_syncs: 100_000,
};

/**
 * Issues a key straight into D1, the way `npm start` bootstraps the first admin key (with no
 * audit entry: keys issued through the API are audited).
 */
export async function issueKey(
  scopes: Scope[],
  name = "test",
  rateLimits: Partial<RateLimits> | null = ROOMY_LIMITS,
): Promise<string> {
  const k = generateApiKey();
  await database(env.DB)
    .insert(apiKeys)
    .values({
      id: k.id,
      name,
      prefix: k.key.slice(0, 10),
      hash: await hashSecret(k.secret),
      scopes,
      rateLimits,
    });
  return k.key;
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
