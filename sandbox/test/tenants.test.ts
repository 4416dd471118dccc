import { describe, expect, it } from "vitest";
import { type Envelope, Halo, ORIGIN, raw, tokenForm } from "./helpers";

describe("tenants", () => {
  it("keeps tenants isolated: data, tokens and knobs", async () => {
    const a = new Halo();
    const b = new Halo();
    await a.post("Client", [{ name: "only in A" }]);
    await a.knobs({ rate_limit: 7 });
    const bList = await b.json<Envelope<"clients">>(b.get("Client"));
    expect(bList.record_count).toBe(0);
    const aToken = await a.login();
    expect((await b.api("GET", "Client", undefined, aToken)).status).toBe(401);
    expect((await b.control("knobs")).rate_limit).toBe(500);
  });

  it("serves the default tenant at the root, as a tenant base URL", async () => {
    const res = await raw(`${ORIGIN}/auth/token?tenant=sandbox`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: tokenForm(),
    });
    expect(res.status).toBe(200);
    const { access_token } = (await res.json()) as { access_token: string };
    const tickets = await raw(`${ORIGIN}/api/Tickets`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(tickets.status).toBe(200);
    // The default tenant's token means nothing to a prefixed tenant.
    const other = await raw(`${ORIGIN}/t/elsewhere/api/Tickets`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(other.status).toBe(401);
  });

  it("hands provider prefixes to the provider simulators, not to HaloPSA", async () => {
    // Unauthenticated calls: each simulator refuses in its provider's own way.
    const apollo = await raw(`${ORIGIN}/apollo/api/v1/mixed_people/api_search`, { method: "POST" });
    expect(apollo.status).toBe(401);
    const hunter = await raw(`${ORIGIN}/hunter/v2/domain-search?domain=x.com`);
    expect(((await hunter.json()) as { errors: { id: string }[] }).errors[0]?.id).toBe(
      "authentication_failed",
    );
    expect((await raw(`${ORIGIN}/t/bad%20name/api/Tickets`)).status).toBe(400);
  });
});
