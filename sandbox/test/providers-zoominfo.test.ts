import { describe, expect, it } from "vitest";
import { Providers } from "./providers-helpers";

interface SearchBody {
  maxResults: number;
  totalResults: number;
  currentPage: number;
  data: { id: number; firstName: string; lastName: string; company: { name: string } }[];
}

async function jwt(p: Providers): Promise<string> {
  const res = await p.zoominfoToken();
  expect(res.status).toBe(200);
  return ((await res.json()) as { jwt: string }).jwt;
}

describe("ZoomInfo simulator", () => {
  it("issues a JWT for a known password and refuses calls without one", async () => {
    const p = new Providers();
    expect((await p.zoominfoToken("nope")).status).toBe(401);
    const token = await jwt(p);
    expect(token.split(".")).toHaveLength(3);
    const refused = await p.zoominfo("search/contact", {}, "not-a-token");
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("ZI0001");
    // /authenticate allows one request per second: of two sent together, one is refused
    // (sent together, so a slow machine cannot space them a second apart).
    const pair = await Promise.all([p.zoominfoToken(), p.zoominfoToken()]);
    expect(pair.map((r) => r.status)).toContain(429);
  });

  it("pages contact search with rpp/page and charges only enrichment", async () => {
    const p = new Providers();
    const token = await jwt(p);
    const filters = { managementLevel: ["C-Level", "VP-Level"] };
    const one = (await (
      await p.zoominfo("search/contact", { ...filters, rpp: 4, page: 1 }, token)
    ).json()) as SearchBody;
    const two = (await (
      await p.zoominfo("search/contact", { ...filters, rpp: 4, page: 2 }, token)
    ).json()) as SearchBody;
    expect(one.currentPage).toBe(1);
    expect(one.totalResults).toBe(4);
    expect(one.maxResults).toBeGreaterThan(8);
    expect(two.data.map((d) => d.id)).not.toContain(one.data[0]?.id);
    expect((await p.stats()).zoominfo?.credits).toBe(0);

    const ids = one.data.slice(0, 2).map((d) => ({ personId: d.id }));
    const enrich = await p.zoominfo(
      "enrich/contact",
      { matchPersonInput: [...ids, { personId: 1 }], outputFields: ["email", "phone"] },
      token,
    );
    const body = (await enrich.json()) as {
      data: {
        result: { matchStatus: string; data: { email: string; hasCanadianEmail: string }[] }[];
      };
    };
    expect(body.data.result.map((r) => r.matchStatus)).toEqual([
      "FULL_MATCH",
      "FULL_MATCH",
      "NO_MATCH",
    ]);
    expect(body.data.result[0]?.data[0]?.email).toContain("@");
    expect(typeof body.data.result[0]?.data[0]?.hasCanadianEmail).toBe("string");
    const stats = await p.stats();
    expect(stats.zoominfo?.credits).toBe(2);
    expect(stats.zoominfo?.charged).toEqual(one.data.slice(0, 2).map((d) => String(d.id)));
  });

  it("answers 429 with Retry-After and ZI0004 when limited", async () => {
    const p = new Providers();
    const token = await jwt(p);
    await p.knobs({ zoominfo: { inject: [{ status: 429, retry_after_seconds: 30 }] } });
    const res = await p.zoominfo("search/contact", { rpp: 2 }, token);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("30");
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("ZI0004");
    const ok = await p.zoominfo("search/contact", { rpp: 2 }, token);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-ratelimit-remaining")).not.toBeNull();
  });
});
