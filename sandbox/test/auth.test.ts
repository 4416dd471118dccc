import { describe, expect, it } from "vitest";
import { Halo, raw, tokenForm } from "./helpers";

describe("POST /auth/token", () => {
  it("issues a client-credentials token in the OAuth shape", async () => {
    const halo = new Halo();
    const res = await halo.requestToken();
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({
      access_token: expect.stringMatching(/^[0-9a-f]{64}$/),
      token_type: "Bearer",
      expires_in: 3600,
      scope: "all",
    });
    const ok = await halo.api("GET", "Tickets", undefined, String(body.access_token));
    expect(ok.status).toBe(200);
  });

  it("answers 401 invalid_client for a wrong secret or a wrong-case client id", async () => {
    const halo = new Halo();
    for (const form of [
      tokenForm({ client_secret: "nope" }),
      tokenForm({ client_id: "LeadBridge-Dev" }),
    ]) {
      const res = await halo.requestToken(form);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: "invalid_client" });
    }
    const stats = await halo.control<{ auth_failures: number; tokens_issued: number }>("stats");
    expect(stats.auth_failures).toBe(2);
    expect(stats.tokens_issued).toBe(0);
  });

  it("rejects other grant types", async () => {
    const res = await new Halo().requestToken(tokenForm({ grant_type: "password" }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "unsupported_grant_type" });
  });

  it("refuses API calls without a known bearer token", async () => {
    const halo = new Halo();
    const missing = await halo.api("GET", "Tickets", undefined, "");
    expect(missing.status).toBe(401);
    const bogus = await halo.api("GET", "Tickets", undefined, "not-a-token");
    expect(bogus.status).toBe(401);
    expect(bogus.headers.get("www-authenticate")).toContain("Bearer");
  });

  it("expires tokens after token_ttl_seconds with 401, or 400 by knob", async () => {
    const halo = new Halo();
    await halo.knobs({ token_ttl_seconds: 2 });
    const res = await halo.requestToken();
    expect(((await res.json()) as { expires_in: number }).expires_in).toBe(2);
    await halo.advanceClock(1);
    expect((await halo.get("Tickets")).status).toBe(200);
    await halo.advanceClock(2);
    const expired = await halo.get("Tickets");
    expect(expired.status).toBe(401);
    expect(expired.headers.get("www-authenticate")).toContain("expired");

    await halo.knobs({ expired_token_status: 400 });
    expect((await halo.get("Tickets")).status).toBe(400);

    const fresh = await halo.login();
    expect((await halo.api("GET", "Tickets", undefined, fresh)).status).toBe(200);
  });

  it("serves authinfo discovery without auth", async () => {
    const halo = new Halo("discovery");
    const res = await raw(`${halo.base}/api/authinfo`);
    expect(await res.json()).toEqual({ auth_url: `${halo.base}/auth`, tenant_id: "discovery" });
  });
});
