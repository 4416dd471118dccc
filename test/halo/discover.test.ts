import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CUSTOM_FIELD_DEFAULTS } from "../../src/config/schema";
import { proposeMapping } from "../../src/halo/discover";
import { api } from "../helpers/api";
import { bearer, issueKey } from "../helpers/keys";
import { SandboxTenant } from "../helpers/sandbox";
import { useTenantHost } from "../helpers/tenant-app";

interface Discovery {
  patch: {
    halopsa: {
      custom_fields: Record<string, number>;
      lifecycle: Record<string, { ticket_type_id?: number; statuses: Record<string, number> }>;
    };
  };
  unmatched: {
    custom_fields: string[];
    ticket_types: string[];
    statuses: Record<string, string[]>;
  };
}

interface Health {
  services: { halopsa: string };
  details: { halopsa: { reason?: string; gate?: { token: { present: boolean } } } };
}

/** Points the deployment at a fresh sandbox tenant; the client id is a config setting. */
async function useTenant(admin: string, t: SandboxTenant, clientId?: string): Promise<void> {
  useTenantHost(t);
  const res = await api("/config", {
    method: "PUT",
    headers: bearer(admin),
    json: { halopsa: { client_id: clientId ?? null } },
  });
  expect(res.status).toBe(200);
}

describe("GET /halo/discover", () => {
  it("proposes the config's ids from the tenant's TicketType, Status and FieldInfo", async () => {
    const admin = await issueKey(["admin"]);
    await useTenant(admin, new SandboxTenant("discover"));
    const res = await api<Discovery>("/halo/discover", { headers: bearer(admin) });
    expect(res.status).toBe(200);
    expect(res.body.patch.halopsa.custom_fields).toEqual(CUSTOM_FIELD_DEFAULTS);
    const { lead, prospect, opportunity } = res.body.patch.halopsa.lifecycle;
    expect(lead?.ticket_type_id).toBe(1);
    expect(lead?.statuses).toMatchObject({ new_lead: 1, do_not_contact: 6, invalid_data: 7 });
    expect(prospect).toMatchObject({ ticket_type_id: 2, statuses: { new_prospect: 10 } });
    expect(opportunity).toMatchObject({ ticket_type_id: 3, statuses: { won: 23, lost: 24 } });
    expect(res.body.unmatched).toEqual({ custom_fields: [], ticket_types: [], statuses: {} });

    // The proposal is a valid config patch.
    const put = await api("/config", {
      method: "PUT",
      headers: bearer(admin),
      json: res.body.patch,
    });
    expect(put.status).toBe(200);
  });

  it("is admin-only", async () => {
    const reader = await issueKey(["read"]);
    expect((await api("/halo/discover", { headers: bearer(reader) })).status).toBe(403);
  });

  it("matches by normalised name and reports what did not match", () => {
    const proposal = proposeMapping({
      ticketTypes: [
        { id: 40, name: " LEAD " },
        { id: 41, name: "Opportunity" },
      ],
      statuses: [
        { id: 70, name: "New-Lead", tickettypes: [40] },
        { id: 71, name: "Won" },
      ],
      fields: [
        { id: 900, name: "CFLeadSource", label: "Lead Source" },
        { id: 901, name: "CF_5_do_not_contact" },
      ],
    });
    expect(proposal.patch.halopsa.custom_fields).toEqual({ lead_source: 900, do_not_contact: 901 });
    expect(proposal.patch.halopsa.lifecycle.lead).toEqual({
      ticket_type_id: 40,
      statuses: { new_lead: 70 },
    });
    expect(proposal.patch.halopsa.lifecycle.opportunity?.statuses).toEqual({ won: 71 });
    expect(proposal.unmatched.ticket_types).toEqual(["prospect"]);
    expect(proposal.unmatched.custom_fields).toContain("fit_score");
    expect(proposal.unmatched.statuses.lead).toContain("researching");
  });
});

describe("/health HaloPSA probe", () => {
  it("reports connected through HaloGate, reusing the cached token", async () => {
    const admin = await issueKey(["admin"]);
    const t = new SandboxTenant("health");
    await useTenant(admin, t);
    const first = await api<Health>("/health", { headers: bearer(admin) });
    expect(first.body.services.halopsa).toBe("connected");
    expect(first.body.details.halopsa.gate?.token.present).toBe(true);
    const before = await t.stats();
    for (let i = 0; i < 3; i++) {
      expect((await api<Health>("/health")).body.services.halopsa).toBe("connected");
    }
    // A cached token costs no request: /health does not spend the tenant's rate limit.
    const after = await t.stats();
    expect(after.requests_total).toBe(before.requests_total);
    expect(after.tokens_issued).toBe(1);
  });

  it("reports error when HaloPSA refuses the secret, without asking again on every call", async () => {
    const admin = await issueKey(["admin"]);
    const t = new SandboxTenant("badsecret");
    await useTenant(admin, t);
    const secret = env.HALO_CLIENT_SECRET;
    env.HALO_CLIENT_SECRET = "not-the-secret";
    try {
      const res = await api<Health>("/health", { headers: bearer(admin) });
      expect(res.body.services.halopsa).toBe("error");
      expect(res.body.details.halopsa.reason).toContain("invalid_client");
      expect((await api<Health>("/health")).body.services.halopsa).toBe("error");
      expect((await t.stats()).auth_failures).toBe(1);
    } finally {
      env.HALO_CLIENT_SECRET = secret;
    }
  });

  it("reports error for a client id HaloPSA does not know", async () => {
    const admin = await issueKey(["admin"]);
    const t = new SandboxTenant("badclient");
    await useTenant(admin, t, "not-our-client");
    expect((await api<Health>("/health")).body.services.halopsa).toBe("error");
  });

  it("reports disconnected when HaloPSA is unreachable", async () => {
    const admin = await issueKey(["admin"]);
    const res = await api("/config", {
      method: "PUT",
      headers: bearer(admin),
      json: { halopsa: { client_id: null } },
    });
    expect(res.status).toBe(200);
    // Port 9 (discard) on loopback: nothing listens there.
    env.HALO_BASE_URL = "http://127.0.0.1:9";
    expect((await api<Health>("/health")).body.services.halopsa).toBe("disconnected");
  });
});
