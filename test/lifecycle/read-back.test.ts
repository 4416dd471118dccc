import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { HaloDirect } from "../helpers/halo-direct";
import { tenantApp } from "../helpers/tenant-app";

interface Lead {
  id: string;
  stage: string;
  status: string;
}
interface AuditEntries {
  entries: { actor: string; action: string; rule: string; detail: Record<string, unknown> }[];
}

let auth: Record<string, string>;
let halo: HaloDirect;

beforeAll(async () => {
  const app = await tenantApp("readback");
  auth = app.auth;
  halo = new HaloDirect(app.tenant);
});

const sync = (data: Record<string, unknown>) =>
  api<{ action: string; lead_id: string; halopsa: { ticket_id: number } }>("/sync/leads", {
    method: "POST",
    headers: auth,
    json: { source: "generic", data },
  });

/** A lead moved by hand in HaloPSA to `statusId`, then imported again with something new. */
async function movedInHalo(n: number, statusId: number) {
  const person = {
    first_name: "Read",
    last_name: `Back${n}`,
    email: `read.back${n}@readback.example`,
    company: "Read Back Ltd",
  };
  const first = await sync(person);
  await halo.post("Tickets", [{ id: first.body.halopsa.ticket_id, status_id: statusId }]);
  const again = await sync({ ...person, phone: `+1 212 555 01${10 + n}` });
  expect(again.status).toBe(200);
  const lead = (await api<Lead>(`/leads/${first.body.lead_id}`, { headers: auth })).body;
  const audit = await api<AuditEntries>(`/audit?lead_id=${first.body.lead_id}`, {
    headers: auth,
  });
  const events = await env.DB.prepare(
    "SELECT payload FROM webhook_events WHERE type = 'lead.status_changed' AND payload LIKE ?",
  )
    .bind(`%${first.body.lead_id}%`)
    .all<{ payload: string }>();
  return { lead, audit: audit.body.entries, events: events.results };
}

describe("HaloPSA is the system of record on read-back", () => {
  it("audits a legal move made in HaloPSA as a transition by halopsa", async () => {
    const { lead, audit, events } = await movedInHalo(1, 2); // new_lead → researching
    expect([lead.stage, lead.status]).toEqual(["lead", "researching"]);
    const moves = audit.filter((e) => e.action.endsWith("transition"));
    expect(moves).toHaveLength(1);
    expect(moves[0]).toMatchObject({
      actor: "halopsa",
      action: "lead.transition",
      rule: "halopsa_system_of_record",
      detail: {
        from: { stage: "lead", status: "new_lead" },
        to: { stage: "lead", status: "researching" },
      },
    });
    // Announced once, as observed in HaloPSA.
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]?.payload ?? "{}").data.observed_in).toBe("halopsa");
  });

  it("follows a jump that is not an arrow, recorded as external_transition, never refused", async () => {
    const { lead, audit, events } = await movedInHalo(2, 4); // new_lead → engaged: two arrows skipped
    expect([lead.stage, lead.status]).toEqual(["lead", "engaged"]);
    const moves = audit.filter((e) => e.action.endsWith("transition"));
    expect(moves.map((e) => [e.actor, e.action])).toEqual([
      ["halopsa", "lead.external_transition"],
    ]);
    expect(moves[0]?.detail.to).toEqual({ stage: "lead", status: "engaged" });
    expect(events).toHaveLength(1);
  });
});
