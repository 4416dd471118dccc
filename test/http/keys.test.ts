import { describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { bearer, issueKey } from "../helpers/keys";

interface Envelope {
  error: { code: string };
}
interface Key {
  id: string;
  key: string;
  scopes: string[];
  revoked_at: string | null;
}

describe("authentication and authorization", () => {
  it("answers 401 without a key, with a malformed key and with an unknown key", async () => {
    const none = await api<Envelope>("/config");
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe("AUTHENTICATION_ERROR");
    expect(none.headers.get("WWW-Authenticate")).toContain("Bearer");

    const malformed = await api<Envelope>("/config", { headers: bearer("hello") });
    expect(malformed.status).toBe(401);

    const unknown = await api<Envelope>("/config", {
      headers: bearer(`lb_abcdefghijkl_${"A".repeat(40)}`),
    });
    expect(unknown.status).toBe(401);
  });

  it("answers 401 for a right id with a wrong secret", async () => {
    const key = await issueKey(["admin"]);
    const tampered = `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`;
    const res = await api<Envelope>("/config", { headers: bearer(tampered) });
    expect(res.status).toBe(401);
  });

  it("answers 403 when a read-only key calls a write or admin route", async () => {
    const key = await issueKey(["read"]);
    const read = await api("/config", { headers: bearer(key) });
    expect(read.status).toBe(200);
    const write = await api<Envelope>("/config", {
      method: "PUT",
      headers: bearer(key),
      json: { providers: { apollo: { enabled: false } } },
    });
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe("AUTHORIZATION_ERROR");
    const keys = await api<Envelope>("/keys", { headers: bearer(key) });
    expect(keys.status).toBe(403);
  });
});

describe("key lifecycle", () => {
  it("issues a key once, lists it without its secret, and revokes it", async () => {
    const admin = await issueKey(["admin"]);
    const created = await api<Key>("/keys", {
      method: "POST",
      headers: bearer(admin),
      json: { name: "reporting", scopes: ["read"] },
    });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^lb_[a-z0-9]{12}_[A-Za-z0-9]{40}$/);
    expect(created.body.scopes).toEqual(["read"]);

    const used = await api("/config", { headers: bearer(created.body.key) });
    expect(used.status).toBe(200);

    const listed = await api<{ keys: Record<string, unknown>[] }>("/keys", {
      headers: bearer(admin),
    });
    const row = listed.body.keys.find((k) => k.id === created.body.id);
    expect(row).toBeDefined();
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    expect(row).not.toHaveProperty("hash");

    const revoked = await api(`/keys/${created.body.id}`, {
      method: "DELETE",
      headers: bearer(admin),
    });
    expect(revoked.status).toBe(204);
    const after = await api<Envelope>("/config", { headers: bearer(created.body.key) });
    expect(after.status).toBe(401);

    const again = await api<Envelope>(`/keys/${created.body.id}`, {
      method: "DELETE",
      headers: bearer(admin),
    });
    expect(again.status).toBe(404);
  });

  it("records issue and revocation in the audit log", async () => {
    const admin = await issueKey(["admin"]);
    const created = await api<Key>("/keys", {
      method: "POST",
      headers: bearer(admin),
      json: { name: "audited", scopes: ["write"] },
    });
    await api(`/keys/${created.body.id}`, { method: "DELETE", headers: bearer(admin) });
    const { env } = await import("cloudflare:workers");
    const rows = await env.DB.prepare(
      "SELECT action FROM audit_log WHERE entity_id = ? ORDER BY id",
    )
      .bind(created.body.id)
      .all<{ action: string }>();
    expect(rows.results.map((r) => r.action)).toEqual(["api_key.created", "api_key.revoked"]);
  });

  it("stores only a hash of the secret", async () => {
    const admin = await issueKey(["admin"]);
    const created = await api<Key>("/keys", {
      method: "POST",
      headers: bearer(admin),
      json: { name: "hashed", scopes: ["read"] },
    });
    const { env } = await import("cloudflare:workers");
    const row = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?")
      .bind(created.body.id)
      .first();
    const secret = created.body.key.split("_")[2] ?? "";
    expect(secret).toHaveLength(40);
    expect(JSON.stringify(row)).not.toContain(secret);
  });
});
