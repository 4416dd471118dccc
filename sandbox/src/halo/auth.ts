import type { Sql } from "./db";

export type TokenCheck = { ok: true } | { ok: false; reason: "missing" | "unknown" | "expired" };

function randomToken(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Opaque bearer tokens with an expiry on the tenant clock. */
export class Tokens {
  constructor(private readonly sql: Sql) {}

  issue(now: number, ttlSeconds: number, scope: string): string {
    const token = randomToken();
    this.sql.exec(
      "INSERT INTO tokens (token, expires_at, scope) VALUES (?, ?, ?)",
      token,
      now + ttlSeconds * 1000,
      scope,
    );
    return token;
  }

  check(authorization: string | undefined, now: number): TokenCheck {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    const token = match?.[1];
    if (!token) return { ok: false, reason: "missing" };
    const row = this.sql
      .exec<{ expires_at: number }>("SELECT expires_at FROM tokens WHERE token = ?", token)
      .toArray()[0];
    if (!row) return { ok: false, reason: "unknown" };
    return row.expires_at > now ? { ok: true } : { ok: false, reason: "expired" };
  }
}

/** Constant-time string comparison, so the sandbox does not teach timing-unsafe habits. */
export function safeEqual(a: string, b: string): boolean {
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  let diff = ea.length ^ eb.length;
  for (let i = 0; i < Math.max(ea.length, eb.length); i++) diff |= (ea[i] ?? 0) ^ (eb[i] ?? 0);
  return diff === 0;
}
