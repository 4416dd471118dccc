import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { tenantApp } from "../helpers/tenant-app";

/** What the sync's answer means in the dry run's words (`would`). */
const WOULD: Record<string, string> = {
  created: "create",
  merged: "merge",
  updated: "update",
  preserved: "preserve",
  rejected: "reject",
  suppressed: "suppress",
};

const step = fc.record({
  who: fc.integer({ min: 0, max: 1 }),
  email: fc.constantFrom("plain", "plain", "plain", "upper", "upper", "missing", "invalid"),
  name: fc.boolean(),
  company: fc.boolean(),
  website: fc.boolean(),
  title: fc.constantFrom(null, "CEO", "IT Manager", "Engineer"),
  phone: fc.boolean(),
  // Opt-outs are sticky, so they are rarer here than the rest, or every run would end in them.
  dnc: fc.constantFrom<boolean | string>(false, false, false, false, false, false, true, "yes"),
  unsubscribed: fc.constantFrom(false, false, false, false, false, false, false, true),
});
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

/** A generic record for person `who` of run `n`; every run has its own people and phones. */
function record(n: number, s: Step): Record<string, unknown> {
  const email = `p${s.who}.${n}@prop-${n}.example`;
  const data: Record<string, unknown> = {};
  if (s.email === "plain") data.email = email;
  if (s.email === "upper") data.email = email.toUpperCase();
  if (s.email === "invalid") data.email = `p${s.who}.${n}-at-prop-${n}`;
  if (s.name) Object.assign(data, { first_name: `Prop${s.who}`, last_name: `Run${n}` });
  if (s.company) data.company = `Prop ${n} ${s.who} Ltd`;
  if (s.website) data.website = `https://prop-${n}-${s.who}.example`;
  if (s.title) data.title = s.title;
  if (s.phone)
    data.phone = `+1 212 555 01${String(n * 2 + s.who)
      .padStart(2, "0")
      .slice(-2)}`;
  if (s.dnc !== false) data.do_not_contact = s.dnc;
  if (s.unsubscribed) data.email_unsubscribed = true;
  return data;
}

describe("POST /validate/leads tells the truth", () => {
  it("answers `would` with the action POST /sync/leads then takes, on a fresh tenant", async () => {
    let run = 0;
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 4 }), async (steps) => {
        run++;
        // A fresh HaloPSA tenant per run, and people no earlier run has seen.
        const { auth } = await tenantApp(`prop-${run}`);
        for (const s of steps) {
          const body = { source: "generic", data: record(run, s) };
          const dry = await api<{ would: string }>("/validate/leads", {
            method: "POST",
            headers: auth,
            json: body,
          });
          const real = await api<{ action: string }>("/sync/leads", {
            method: "POST",
            headers: auth,
            json: body,
          });
          const did = real.status === 400 ? "reject" : WOULD[real.body.action];
          expect(
            { would: dry.body.would, did, status: real.status },
            JSON.stringify({ body, real: real.body }),
          ).toEqual({ would: did, did, status: real.status });
          seen.set(did ?? "?", (seen.get(did ?? "?") ?? 0) + 1);
        }
      }),
      { numRuns: 30 },
    );
    console.log(
      JSON.stringify({ dry_run_property: { runs: run, actions: Object.fromEntries(seen) } }),
    );
  }, 300_000);
});
