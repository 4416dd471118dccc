import { env } from "cloudflare:workers";
import { database } from "../../src/db/client";
import { leads } from "../../src/db/schema";
import type { LifecycleState } from "../../src/domain/lifecycle";
import { newId } from "../../src/ids";
import type { HaloDirect } from "../helpers/halo-direct";

/** The default config's ids (src/config/schema.ts, the seed's numbers). */
const TYPE = { lead: 1, prospect: 2, opportunity: 3 } as const;
const STATUS: Record<string, number> = {
  new_lead: 1,
  researching: 2,
  contacted: 3,
  engaged: 4,
  no_interest: 5,
  do_not_contact: 6,
  invalid_data: 7,
  new_prospect: 10,
  prospecting: 11,
  qualified: 12,
  disqualified: 13,
  new_opportunity: 20,
  progressing: 21,
  negotiation: 22,
  won: 23,
  lost: 24,
};

export const haloIdsOf = (s: { stage: string; status: string }) => ({
  tickettype_id: TYPE[s.stage as keyof typeof TYPE],
  status_id: STATUS[s.status],
});

/**
 * Leads already in HaloPSA at the given states, made without the import path (one tickets POST,
 * one D1 insert) so tests of transitions spend their HaloPSA budget on transitions only.
 */
export async function seedLeads(
  halo: HaloDirect,
  states: LifecycleState[],
  label: string,
): Promise<{ id: string; ticketId: number; state: LifecycleState }[]> {
  const ids = states.map(() => newId("ld"));
  const saved = await halo.post(
    "Tickets?returnall=true",
    states.map((s, i) => ({
      summary: `${label} ${i}`,
      third_party_id_string: ids[i],
      ...haloIdsOf(s),
      customfields: [{ id: 101, value: "apollo" }],
    })),
  );
  const records = (Array.isArray(saved) ? saved : [saved]) as { id: number }[];
  const at = new Date().toISOString();
  const rows = states.map((s, i) => ({
    id: ids[i] as string,
    dedupKey: `email:${label}-${i}@seed.example`,
    dedupKind: "email" as const,
    email: `${label}-${i}@seed.example`,
    fullName: `${label} ${i}`,
    companyName: "Seed Co",
    stage: s.stage,
    status: s.status,
    qualityScore: 80,
    source: "apollo",
    sources: ["apollo"],
    lists: [],
    canonical: {},
    written: {},
    haloTicketId: records[i]?.id ?? null,
    updatedAt: at,
  }));
  const db = database(env.DB);
  for (let i = 0; i < rows.length; i += 4) await db.insert(leads).values(rows.slice(i, i + 4));
  return rows.map((r, i) => ({
    id: r.id,
    ticketId: r.haloTicketId as number,
    state: states[i] as LifecycleState,
  }));
}
