import { describe, expect, it } from "vitest";
import { universe } from "../src/providers/universe";
import { Providers } from "./providers-helpers";

interface DomainBody {
  data: { domain: string; organization: string; emails: { value: string; type: string }[] };
  meta: { results: number; limit: number; offset: number };
}

const busiest = () => {
  const u = universe();
  return [...u.companies].sort(
    (a, b) =>
      u.people.filter((p) => p.company === b).length -
      u.people.filter((p) => p.company === a).length,
  )[0];
};

describe("Hunter simulator", () => {
  it("accepts the key as header or query parameter and refuses a bad one", async () => {
    const p = new Providers();
    const domain = busiest()?.domain ?? "";
    expect((await p.hunter("domain-search", { domain })).status).toBe(200);
    const viaQuery = await fetchQuery(p, domain);
    expect(viaQuery.status).toBe(200);
    const bad = await p.hunter("domain-search", { domain }, "wrong");
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { errors: { id: string }[] }).errors[0]?.id).toBe(
      "authentication_failed",
    );
  });

  it("pages domain search with limit/offset and meta.results, charging per 10 emails", async () => {
    const p = new Providers();
    const domain = busiest()?.domain ?? "";
    const first = (await (
      await p.hunter("domain-search", { domain, limit: 3, offset: 0 })
    ).json()) as DomainBody;
    expect(first.meta).toMatchObject({ limit: 3, offset: 0 });
    const all: string[] = [];
    for (let offset = 0; offset < first.meta.results; offset += 3) {
      const page = (await (
        await p.hunter("domain-search", { domain, limit: 3, offset })
      ).json()) as DomainBody;
      all.push(...page.data.emails.map((e) => e.value));
    }
    expect(all).toHaveLength(first.meta.results);
    expect(new Set(all).size).toBe(all.length);
    expect(all.some((e) => e.startsWith("info@"))).toBe(true);
    const stats = await p.stats();
    // One search per page of 1–10 emails: the first page plus every paging call.
    expect(stats.hunter?.credits).toBe(1 + Math.ceil(first.meta.results / 3));

    const badLimit = await p.hunter("domain-search", { domain, limit: 101 });
    expect(badLimit.status).toBe(400);
    expect(((await badLimit.json()) as { errors: { id: string }[] }).errors[0]?.id).toBe(
      "pagination_error",
    );
  });

  it("answers 451 claimed_email for a claimed person and never lists them", async () => {
    const p = new Providers();
    const claimed = universe().people.find((x) => x.claimed);
    expect(claimed).toBeDefined();
    if (!claimed) return;
    const res = await p.hunter("email-finder", {
      domain: claimed.company.domain,
      first_name: claimed.firstName,
      last_name: claimed.lastName,
    });
    expect(res.status).toBe(451);
    expect(((await res.json()) as { errors: { id: string }[] }).errors[0]?.id).toBe(
      "claimed_email",
    );
    const listed = (await (
      await p.hunter("domain-search", { domain: claimed.company.domain, limit: 100 })
    ).json()) as DomainBody;
    expect(listed.data.emails.map((e) => e.value)).not.toContain(claimed.email);
    expect((await p.stats()).hunter?.credits).toBe(1);
  });

  it("answers 403 on the per-second limit and 429 once the monthly quota is spent", async () => {
    const p = new Providers();
    const domain = busiest()?.domain ?? "";
    await p.knobs({ hunter: { per_second: 1, quota: 1, reset_date: "2026-12-01" } });
    expect((await p.hunter("domain-search", { domain })).status).toBe(200);
    const slow = await p.hunter("domain-search", { domain });
    expect(slow.status).toBe(403);
    expect(slow.headers.get("retry-after")).toBeNull();
    await p.advanceClock(2);
    const spent = await p.hunter("domain-search", { domain });
    expect(spent.status).toBe(429);
    await p.advanceClock(2);
    const account = (await (await p.hunter("account", {})).json()) as {
      data: { reset_date: string };
    };
    expect(account.data.reset_date).toBe("2026-12-01");
  });
});

function fetchQuery(p: Providers, domain: string): Promise<Response> {
  return p.hunter("domain-search", { domain, api_key: "test-hunter-key" }, "");
}
