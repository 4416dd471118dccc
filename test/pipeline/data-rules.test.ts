import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { HaloDirect } from "../helpers/halo-direct";
import type { SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";

interface SyncResult {
  action: string;
  lead_id: string;
  halopsa: { client_id: number; user_id: number; ticket_id: number };
  fields_updated: string[];
  fields_preserved: string[];
}
interface AuditEntries {
  entries: { action: string; rule: string; detail: Record<string, unknown> }[];
}

let tenant: SandboxTenant;
let auth: Record<string, string>;
let halo: HaloDirect;

beforeAll(async () => {
  ({ tenant, auth } = await tenantApp("data-rules"));
  halo = new HaloDirect(tenant);
});

const sync = async (source: string, data: Record<string, unknown>) => {
  const res = await api<SyncResult>("/sync/leads", {
    method: "POST",
    headers: auth,
    json: { source, data },
  });
  expect([200, 201], JSON.stringify(res.body)).toContain(res.status);
  return res.body;
};
const putConfig = async (patch: Record<string, unknown>) => {
  const res = await api("/config", { method: "PUT", headers: auth, json: patch });
  expect(res.status).toBe(200);
};

describe("internationalised email addresses through POST /sync/leads", () => {
  it("imports an RFC 6531 address once, whatever its spelling", async () => {
    const nfc = "björn.dubois@bücher.example";
    const spellings: [string, Record<string, unknown>][] = [
      ["generic", { first_name: "Björn", last_name: "Dubois", email: nfc, company: "Bücher" }],
      // Decomposed (NFD) and upper case, from another provider.
      [
        "zoominfo",
        {
          firstName: "Björn",
          lastName: "Dubois",
          email: "BJÖRN.DUBOIS@BÜCHER.EXAMPLE".normalize("NFD"),
          companyName: "Bücher",
        },
      ],
      // The domain in its punycode form.
      [
        "generic",
        {
          first_name: "Björn",
          last_name: "Dubois",
          email: "Björn.Dubois@xn--bcher-kva.example",
          company: "Bücher",
        },
      ],
    ];
    const results = [];
    for (const [source, data] of spellings) results.push(await sync(source, data));
    expect(results[0]?.action).toBe("created");
    expect(new Set(results.map((r) => r.lead_id)).size).toBe(1);
    const users = (await tenant.listAll("Users", "users")) as { emailaddress?: string }[];
    const björn = users.filter((u) => (u.emailaddress ?? "").includes("dubois@"));
    expect(björn).toHaveLength(1);
    expect(björn[0]?.emailaddress).toBe("björn.dubois@xn--bcher-kva.example");
  });

  it("accepts a Turkish dotless ı in the local part", async () => {
    const r = await sync("generic", {
      first_name: "Dmitri",
      last_name: "Yılmaz",
      email: "dmitri.yılmaz@örnek.example",
      company: "Örnek",
    });
    expect(r.action).toBe("created");
    const user = await halo.get(`Users/${r.halopsa.user_id}`);
    expect(user.emailaddress).toBe("dmitri.yılmaz@xn--rnek-4qa.example");
  });
});

describe("company legal forms", () => {
  it('"Harbour IT Ltd." becomes "Harbour IT" by default and stays whole with the switch', async () => {
    const stripped = await sync("generic", {
      first_name: "Mary",
      last_name: "Rowe",
      email: "mary@harbour-it.example",
      company: "Harbour IT Ltd.",
      website: "harbour-it.example",
    });
    const client = await halo.get(`Client/${stripped.halopsa.client_id}`);
    expect(client.name).toBe("Harbour IT");

    await putConfig({ halopsa: { company_legal_suffix: "keep" } });
    try {
      const kept = await sync("generic", {
        first_name: "Tom",
        last_name: "Keel",
        email: "tom@harbour-marine.example",
        company: "Harbour IT Ltd.",
        website: "harbour-marine.example",
      });
      const legal = await halo.get(`Client/${kept.halopsa.client_id}`);
      expect(legal.name).toBe("Harbour IT Ltd.");
    } finally {
      await putConfig({ halopsa: { company_legal_suffix: null } });
    }
  });
});

describe("people change jobs", () => {
  it("a newer title from an equal or higher source replaces an unedited one; a hand edit stays", async () => {
    const person = {
      first_name: "Ruth",
      last_name: "Teitelbaum",
      email: "ruth@eniac-systems.example",
      company: "ENIAC Systems",
    };
    const first = await sync("generic", { ...person, title: "IT Manager" });
    const userPath = `Users/${first.halopsa.user_id}`;
    expect((await halo.get(userPath)).title).toBe("IT Manager");

    // Same source, newer title: LeadBridge wrote the old one and nobody touched it.
    const equal = await sync("generic", { ...person, title: "IT Director" });
    expect(equal.action).toBe("updated");
    expect(equal.fields_updated).toContain("user.title");
    expect((await halo.get(userPath)).title).toBe("IT Director");

    // A higher-precedence source (ZoomInfo ranks above a generic import for contact data).
    const zoominfo = {
      firstName: "Ruth",
      lastName: "Teitelbaum",
      email: "ruth@eniac-systems.example",
      companyName: "ENIAC Systems",
    };
    await sync("zoominfo", { ...zoominfo, jobTitle: "Chief Information Officer" });
    expect((await halo.get(userPath)).title).toBe("Chief Information Officer");

    // A lower-precedence source cannot displace it.
    const lower = await sync("generic", { ...person, title: "Consultant" });
    expect(lower.fields_updated).not.toContain("user.title");
    expect((await halo.get(userPath)).title).toBe("Chief Information Officer");

    // An agent edits the title in HaloPSA; the next newer title is not written over it.
    await halo.post("Users", [{ id: first.halopsa.user_id, title: "CIO & Head of Security" }]);
    const edited = await sync("zoominfo", { ...zoominfo, jobTitle: "Chief Technology Officer" });
    expect(edited.fields_preserved).toContain("user.title");
    expect((await halo.get(userPath)).title).toBe("CIO & Head of Security");
    const audit = await api<AuditEntries>(`/audit?lead_id=${first.lead_id}`, { headers: auth });
    const decisions = audit.body.entries[0]?.detail.decisions as { field: string; rule: string }[];
    expect(decisions).toContainEqual(
      expect.objectContaining({ field: "user.title", rule: "manual_edit" }),
    );
  });
});
