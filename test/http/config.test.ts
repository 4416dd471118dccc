import { describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { bearer, issueKey } from "../helpers/keys";

interface ConfigDoc {
  version: number;
  halopsa: {
    base_url: string;
    custom_fields: Record<string, number>;
    lifecycle: { lead: { ticket_type_id: number; statuses: Record<string, number> } };
  };
  providers: Record<string, { enabled: boolean; rate_limit: { requests: number } }>;
}
interface Envelope {
  error: { code: string; details: { field?: string } | null };
}

describe("configuration", () => {
  it("starts from the seed's defaults", async () => {
    const key = await issueKey(["read"]);
    const res = await api<ConfigDoc>("/config", { headers: bearer(key) });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(0);
    expect(res.body.halopsa.custom_fields.lead_source).toBe(101);
    expect(res.body.halopsa.custom_fields.location_hq).toBe(113);
    expect(res.body.halopsa.custom_fields.fit_score).toBe(206);
    expect(res.body.halopsa.custom_fields.win_loss_reason).toBe(304);
    expect(res.body.halopsa.lifecycle.lead.ticket_type_id).toBe(1);
    expect(res.body.halopsa.lifecycle.lead.statuses.researching).toBe(2);
    expect(res.headers.get("ETag")).toBe('"0"');
  });

  it("merges a partial update, versions it and audits it", async () => {
    const key = await issueKey(["admin"]);
    const res = await api<ConfigDoc>("/config", {
      method: "PUT",
      headers: bearer(key),
      json: { providers: { apollo: { rate_limit: { requests: 150, window_seconds: 60 } } } },
    });
    expect(res.status).toBe(200);
    expect(res.body.providers.apollo?.rate_limit.requests).toBe(150);
    expect(res.body.providers.apollo?.enabled).toBe(true);
    expect(res.body.halopsa.custom_fields.lead_source).toBe(101);
    const version = res.body.version;

    const read = await api<ConfigDoc>("/config", { headers: bearer(key) });
    expect(read.body.version).toBe(version);
    expect(read.body.providers.apollo?.rate_limit.requests).toBe(150);

    const { env } = await import("cloudflare:workers");
    const audit = await env.DB.prepare(
      "SELECT action, detail FROM audit_log WHERE entity = 'config' AND entity_id = ?",
    )
      .bind(String(version))
      .first<{ action: string; detail: string }>();
    expect(audit?.action).toBe("config.updated");
    expect(JSON.parse(audit?.detail ?? "{}").patch.providers.apollo.rate_limit.requests).toBe(150);
  });

  it("refuses an invalid custom field id and names the field", async () => {
    const key = await issueKey(["admin"]);
    const res = await api<Envelope>("/config", {
      method: "PUT",
      headers: bearer(key),
      json: { halopsa: { custom_fields: { lead_source: -4 } } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
    expect(res.body.error.details?.field).toBe("halopsa.custom_fields.lead_source");

    const wrongType = await api<Envelope>("/config", {
      method: "PUT",
      headers: bearer(key),
      json: { halopsa: { custom_fields: { do_not_contact: "CF_105" } } },
    });
    expect(wrongType.body.error.details?.field).toBe("halopsa.custom_fields.do_not_contact");
  });

  it("refuses unknown settings, secrets included", async () => {
    const key = await issueKey(["admin"]);
    const res = await api<Envelope>("/config", {
      method: "PUT",
      headers: bearer(key),
      json: { halopsa: { client_secret: "s3cret" } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details?.field).toBe("halopsa.client_secret");
  });

  it("resets a setting to its default with null", async () => {
    const key = await issueKey(["admin"]);
    await api("/config", {
      method: "PUT",
      headers: bearer(key),
      json: { halopsa: { custom_fields: { competitors: 999 } } },
    });
    const res = await api<ConfigDoc>("/config", {
      method: "PUT",
      headers: bearer(key),
      json: { halopsa: { custom_fields: { competitors: null } } },
    });
    expect(res.body.halopsa.custom_fields.competitors).toBe(303);
  });

  it("accepts the seed's own example: a bare rate_limit number is requests per minute", async () => {
    const key = await issueKey(["admin"]);
    const res = await api<ConfigDoc>("/config", {
      method: "PUT",
      headers: bearer(key),
      json: { providers: { apollo: { rate_limit: 150 } } },
    });
    expect(res.status).toBe(200);
    expect(res.body.providers.apollo?.rate_limit).toEqual({ requests: 150, window_seconds: 60 });
    const read = await api<ConfigDoc>("/config", { headers: bearer(key) });
    expect(read.body.providers.apollo?.rate_limit).toEqual({ requests: 150, window_seconds: 60 });
    const bad = await api<Envelope>("/config", {
      method: "PUT",
      headers: bearer(key),
      json: { providers: { apollo: { rate_limit: 0 } } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details?.field).toBe("providers.apollo.rate_limit.requests");
  });

  it("shows the merge's per-field policies and the legal-form switch, and validates them", async () => {
    const key = await issueKey(["admin"]);
    const read = await api<{
      merge: { field_policies: Record<string, string> };
      halopsa: { company_legal_suffix: string };
    }>("/config", { headers: bearer(key) });
    expect(read.body.merge.field_policies["user.title"]).toBe("update_unedited");
    expect(read.body.halopsa.company_legal_suffix).toBe("strip");
    const bad = await api<Envelope>("/config", {
      method: "PUT",
      headers: bearer(key),
      json: { merge: { field_policies: { "user.title": "overwrite" } } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details?.field).toBe("merge.field_policies.user.title");
    const unknown = await api<Envelope>("/config", {
      method: "PUT",
      headers: bearer(key),
      json: { merge: { field_policies: { "ticket.status_id": "update_unedited" } } },
    });
    expect(unknown.status).toBe(400);
  });

  it("refuses a stale If-Match with 409", async () => {
    const key = await issueKey(["admin"]);
    const read = await api<ConfigDoc>("/config", { headers: bearer(key) });
    const etag = read.headers.get("ETag") ?? "";
    const first = await api("/config", {
      method: "PUT",
      headers: { ...bearer(key), "If-Match": etag },
      json: { lists: { hot_min_score: 85 } },
    });
    expect(first.status).toBe(200);
    const stale = await api<Envelope>("/config", {
      method: "PUT",
      headers: { ...bearer(key), "If-Match": etag },
      json: { lists: { hot_min_score: 90 } },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("CONFLICT");
  });
});
