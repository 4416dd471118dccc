import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { database } from "../../src/db/client";
import { runChunk } from "../../src/jobs/chunk-runner";
import { createImportJob } from "../../src/jobs/create-job";
import { api } from "../helpers/api";
import { JOB_OPTIONS } from "../helpers/jobs";
import type { SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";

interface SyncBody {
  action: string;
  lead_id: string;
  halopsa: { client_id: number; site_id: number; user_id: number; ticket_id: number };
}

const sync = (auth: Record<string, string>, source: string, data: Record<string, unknown>) =>
  api<SyncBody>("/sync/leads", { method: "POST", headers: auth, json: { source, data } });

/** What the sandbox tenant holds for people with these addresses (any letter case). */
async function census(tenant: SandboxTenant, emails: string[]) {
  const wanted = new Set(emails.map((e) => e.toLowerCase()));
  const users = (await tenant.listAll("Users", "users")).filter((u) =>
    wanted.has(String(u.emailaddress ?? "").toLowerCase()),
  );
  const userIds = new Set(users.map((u) => u.id));
  const tickets = (await tenant.listAll("Tickets", "tickets")).filter((t) =>
    userIds.has(t.user_id),
  );
  return { users: users.length, tickets: tickets.length };
}

const casings = (email: string) => [
  email,
  email.toUpperCase(),
  ` ${email[0]?.toUpperCase()}${email.slice(1)} `,
  email.replace(/@.*/, (d) => d.toUpperCase()),
  email
    .split("")
    .map((ch, i) => (i % 2 ? ch.toUpperCase() : ch))
    .join(""),
];

describe("one writer per person and per company", () => {
  it("turns 20 concurrent syncs of one person, and 2 identical ones, into one user and ticket, 3 trials", async () => {
    const trials: {
      trial: number;
      person20: unknown;
      person2: unknown;
      statuses: number[];
      ms: number;
    }[] = [];
    for (let trial = 1; trial <= 3; trial++) {
      const started = Date.now();
      const { tenant, auth } = await tenantApp(`claims-${trial}`);
      const email20 = `ada.${trial}@race-${trial}.example`;
      const email2 = `alan.${trial}@race-${trial}.example`;
      const base = { company: `Race ${trial} Ltd`, website: `race-${trial}.example` };
      const twenty = Array.from({ length: 20 }, (_, i) =>
        sync(auth, "generic", {
          ...base,
          first_name: "Ada",
          last_name: `Racer${trial}`,
          title: "CTO",
          email: casings(email20)[i % 5],
        }),
      );
      const twin = { ...base, first_name: "Alan", last_name: `Twin${trial}`, email: email2 };
      const two = [sync(auth, "generic", twin), sync(auth, "generic", twin)];
      const answers = await Promise.all([...twenty, ...two]);
      const statuses = answers.map((a) => a.status);
      for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBeLessThan(300);
      // Exactly one request per person created it; the rest merged into its result.
      expect(answers.slice(0, 20).filter((a) => a.body.action === "created")).toHaveLength(1);
      expect(answers.slice(20).filter((a) => a.body.action === "created")).toHaveLength(1);
      expect(new Set(answers.slice(0, 20).map((a) => a.body.lead_id)).size).toBe(1);
      const person20 = await census(tenant, [email20]);
      const person2 = await census(tenant, [email2]);
      trials.push({
        trial,
        person20,
        person2,
        statuses: [...new Set(statuses)],
        ms: Date.now() - started,
      });
      expect(person20).toEqual({ users: 1, tickets: 1 });
      expect(person2).toEqual({ users: 1, tickets: 1 });
      // Both people share the new company: one client and one site.
      expect((await tenant.listAll("Client", "clients")).length).toBe(1);
      expect((await tenant.listAll("Site", "sites")).length).toBe(1);
    }
    console.log(JSON.stringify({ concurrency_trials: trials }));
  }, 240_000);

  it("writes an Apollo and a ZoomInfo record of one person arriving at once as one user and ticket", async () => {
    const { tenant, auth } = await tenantApp("claims-providers");
    const email = "grace.cross@providers.example";
    const [apollo, zoominfo] = await Promise.all([
      sync(auth, "apollo", {
        person: {
          id: "5f00000000000000000000aa",
          first_name: "Grace",
          last_name: "Cross",
          email,
          title: "Head of IT",
          organization: { name: "Providers Inc", primary_domain: "providers.example" },
        },
      }),
      sync(auth, "zoominfo", {
        firstName: "Grace",
        lastName: "Cross",
        email: email.toUpperCase(),
        companyName: "Providers Inc",
        jobTitle: "Head of IT",
        directPhoneNumber: "+1 415 555 0199",
      }),
    ]);
    expect(apollo?.status).toBeLessThan(300);
    expect(zoominfo?.status).toBeLessThan(300);
    expect(apollo?.body.lead_id).toBe(zoominfo?.body.lead_id);
    expect(await census(tenant, [email])).toEqual({ users: 1, tickets: 1 });
  });

  it("gives 20 new people at one new company one client and one site", async () => {
    const { tenant, auth } = await tenantApp("claims-company");
    const emails = Array.from({ length: 20 }, (_, i) => `p${i}@newco.example`);
    const answers = await Promise.all(
      emails.map((email, i) =>
        sync(auth, "generic", {
          first_name: `Person${i}`,
          last_name: "Newco",
          email,
          company: "NewCo Holdings",
          website: "https://newco.example",
        }),
      ),
    );
    for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBe(201);
    const clients = await tenant.listAll("Client", "clients");
    const sites = await tenant.listAll("Site", "sites");
    console.log(
      JSON.stringify({
        company_trial: { people: 20, clients: clients.length, sites: sites.length },
      }),
    );
    expect(clients).toHaveLength(1);
    expect(sites).toHaveLength(1);
    expect(new Set(answers.map((a) => a.body.halopsa.site_id))).toEqual(new Set([sites[0]?.id]));
    expect(await census(tenant, emails)).toEqual({ users: 20, tickets: 20 });
  });

  it("lets a single sync race a bulk chunk of the same people without a duplicate", async () => {
    const { tenant, auth } = await tenantApp("claims-bulk");
    const people = Array.from({ length: 12 }, (_, i) => ({
      first_name: `Bulk${i}`,
      last_name: "Racer",
      email: `bulk${i}@chunk-race.example`,
      company: `Chunk Race ${i % 3}`,
      website: `chunk-race-${i % 3}.example`,
    }));
    const send = vi.spyOn(env.JOBS, "sendBatch").mockResolvedValue(undefined as never);
    const job = await createImportJob(env, {
      kind: "bulk",
      source: "generic",
      records: people,
      options: JOB_OPTIONS,
      createdBy: "test",
    });
    send.mockRestore();
    const [first, ...singles] = await Promise.all([
      runChunk(env, job.id, 0, new Date()),
      ...people.map((p) => sync(auth, "generic", p)),
    ]);
    for (const s of singles) expect(s.status, JSON.stringify(s.body)).toBeLessThan(300);
    // People a single sync held were handed back; the re-delivered chunk merges into them.
    let result = first;
    for (let n = 0; result?.kind === "defer" && n < 20; n++) {
      await new Promise((r) => setTimeout(r, 100));
      result = await runChunk(env, job.id, 0, new Date());
    }
    expect(result).toEqual({ kind: "done" });
    const items = await env.DB.prepare(
      "SELECT status, count(*) AS n FROM job_items WHERE job_id = ? GROUP BY status",
    )
      .bind(job.id)
      .all<{ status: string; n: number }>();
    expect(items.results).toEqual([{ status: "done", n: 12 }]);
    expect(
      await census(
        tenant,
        people.map((p) => p.email),
      ),
    ).toEqual({ users: 12, tickets: 12 });
    expect(await tenant.listAll("Client", "clients")).toHaveLength(3);
    expect(await tenant.listAll("Site", "sites")).toHaveLength(3);
    // No lease outlives its run.
    const held = await database(env.DB)
      .$client.prepare("SELECT count(*) AS n FROM leads WHERE claim_token IS NOT NULL")
      .first<{ n: number }>();
    expect(held?.n).toBe(0);
  });

  it("answers an identical record of a person another run holds as unchanged, and waits on a changed one", async () => {
    const { tenant, auth } = await tenantApp("claims-finished");
    const person = {
      company: "Held Ltd",
      website: "held.example",
      first_name: "Hedy",
      last_name: "Held",
      title: "CEO",
      email: "hedy@held.example",
    };
    const first = await sync(auth, "generic", person);
    expect(first.body.action).toBe("created");
    // Another run holds the finished person (it is, say, writing its merge notes).
    const hold = (ms: number) =>
      env.DB.prepare(
        "UPDATE leads SET claim_token = 'other-run', claim_expires_at = ?1 WHERE id = ?2",
      )
        .bind(Date.now() + ms, first.body.lead_id)
        .run();
    await hold(60_000);
    const before = (await tenant.stats()).requests_total;
    const same = await api<SyncBody & { reasons: { code: string }[] }>("/sync/leads", {
      method: "POST",
      headers: auth,
      json: { source: "generic", data: { ...person, email: " HEDY@held.example " } },
    });
    expect(same.status).toBe(200);
    expect(same.body.action).toBe("preserved");
    expect(same.body.reasons.map((r) => r.code)).toEqual(["unchanged"]);
    expect(same.body.halopsa).toEqual(first.body.halopsa);
    expect((await tenant.stats()).requests_total).toBe(before);

    // The same for a record stored by an older LeadBridge (no schema fingerprint): read back
    // through the schema, it still says the same.
    await env.DB.prepare("UPDATE lead_sources SET schema_version = NULL WHERE lead_id = ?1")
      .bind(first.body.lead_id)
      .run();
    const again = await api<SyncBody & { reasons: { code: string }[] }>("/sync/leads", {
      method: "POST",
      headers: auth,
      json: { source: "generic", data: person },
    });
    expect(again.body.reasons.map((r) => r.code)).toEqual(["unchanged"]);

    // A record that says something new is not answered from the other run's result: it waits
    // for the lease (here, until it expires) and merges as its own writer.
    await hold(300);
    const changed = await api<SyncBody & { reasons: { code: string }[] }>("/sync/leads", {
      method: "POST",
      headers: auth,
      json: { source: "generic", data: { ...person, title: "Chief Executive Officer" } },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.reasons.map((r) => r.code)).not.toContain("unchanged");
    expect(changed.body.lead_id).toBe(first.body.lead_id);
  });
});
