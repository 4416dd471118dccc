import { describe, expect, it } from "vitest";
import { universe } from "../src/providers/universe";
import { raw } from "./helpers";
import { Providers } from "./providers-helpers";

interface SearchBody {
  total_entries: number;
  people: { id: string; first_name: string; last_name_obfuscated: string; email?: string }[];
  pagination?: unknown;
}

describe("Apollo simulator", () => {
  it("refuses a missing key and a key sent as Bearer, with no rate headers", async () => {
    const p = new Providers();
    const none = await p.apollo("mixed_people/api_search", {}, "");
    expect(none.status).toBe(401);
    expect(none.headers.get("x-minute-requests-left")).toBeNull();
    const bearer = await raw(`${p.base}/apollo/api/v1/mixed_people/api_search`, {
      method: "POST",
      headers: { authorization: "Bearer test-apollo-key" },
    });
    expect(bearer.status).toBe(401);
    expect(((await bearer.json()) as { error: string }).error).toBe("Invalid access credentials.");
    expect((await p.stats()).apollo?.calls).toBe(2);
  });

  it("pages a stable search: obfuscated surnames, no emails, total_entries only", async () => {
    const p = new Providers();
    const filters = { person_seniorities: ["c_suite", "founder", "vp"] };
    const page1 = (await (
      await p.apollo("mixed_people/api_search", { ...filters, page: 1, per_page: 5 })
    ).json()) as SearchBody;
    const page2 = (await (
      await p.apollo("mixed_people/api_search", { ...filters, page: 2, per_page: 5 })
    ).json()) as SearchBody;
    const again = (await (
      await p.apollo("mixed_people/api_search", { ...filters, page: 1, per_page: 5 })
    ).json()) as SearchBody;
    expect(page1.people).toHaveLength(5);
    expect(page1.pagination).toBeUndefined();
    expect(page1.total_entries).toBeGreaterThan(10);
    expect(again.people.map((x) => x.id)).toEqual(page1.people.map((x) => x.id));
    const ids1 = new Set(page1.people.map((x) => x.id));
    expect(page2.people.some((x) => ids1.has(x.id))).toBe(false);
    for (const hit of page1.people) {
      expect(hit.email).toBeUndefined();
      expect(hit.last_name_obfuscated).toMatch(/^.{1,2}\*\*\*.?$/);
    }
    expect((await p.stats()).apollo?.credits).toBe(0);
  });

  it("charges a credit per enriched person and writes request_id beyond 2^53", async () => {
    const p = new Providers();
    const people = universe().people;
    const [a, b] = people;
    const res = await p.apollo("people/bulk_match", {
      details: [{ id: a?.apolloId }, { id: b?.apolloId }, { id: "000000000000000000000000" }],
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/"request_id":10399955897051219\d\d[,}]/);
    const body = JSON.parse(text) as {
      matches: ({ email: string } | null)[];
      credits_consumed: number;
    };
    expect(body.matches[0]?.email).toBe(a?.email);
    expect(body.matches[2]).toBeNull();
    expect(body.credits_consumed).toBe(2);
    const stats = await p.stats();
    expect(stats.apollo?.credits).toBe(2);
    expect(stats.apollo?.charged).toEqual([a?.apolloId, b?.apolloId]);

    const tooMany = await p.apollo("people/bulk_match", {
      details: people.slice(0, 11).map((x) => ({ id: x.apolloId })),
    });
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error_code: string }).error_code).toBe(
      "RECORD_LIMIT_EXCEEDED",
    );
  });

  it("announces its fixed windows in x-* headers and answers 429 with retry-after", async () => {
    const p = new Providers();
    await p.knobs({ apollo: { minute_limit: 2 } });
    const first = await p.apollo("mixed_people/api_search", { page: 1 });
    expect(first.headers.get("x-rate-limit-minute")).toBe("2");
    expect(first.headers.get("x-minute-requests-left")).toBe("1");
    expect(first.headers.get("x-daily-requests-left")).not.toBeNull();
    const second = await p.apollo("mixed_people/api_search", { page: 1 });
    expect(second.headers.get("x-minute-requests-left")).toBe("0");
    const refused = await p.apollo("mixed_people/api_search", { page: 1 });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // The body is a JSON string holding JSON (providers.md §1.4).
    const body = (await refused.json()) as string;
    expect(typeof body).toBe("string");
    expect((JSON.parse(body) as { message: string }).message).toContain(
      "maximum number of api calls",
    );
    await p.advanceClock(61);
    expect((await p.apollo("mixed_people/api_search", { page: 1 })).status).toBe(200);
  });

  it("can spell the daily headers the 24-hour way, and injects 429s on demand", async () => {
    const p = new Providers();
    await p.knobs({
      apollo: {
        daily_header_style: "24-hour",
        inject: [{ status: 429, retry_after_seconds: 120, route: "people/match" }],
      },
    });
    const ok = await p.apollo("mixed_people/api_search", {});
    expect(ok.headers.get("x-24-hour-requests-left")).not.toBeNull();
    expect(ok.headers.get("x-daily-requests-left")).toBeNull();
    const refused = await p.apollo("people/match", { id: universe().people[0]?.apolloId });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("120");
    expect((await p.apollo("people/match", { id: universe().people[0]?.apolloId })).status).toBe(
      200,
    );
    const calls = await p.calls("apollo");
    expect(calls.map((c) => c.status)).toEqual([200, 429, 200]);
  });
});
