// The per-lead workflow that integration tools run (and the seed describes): for every lead,
// one search and one create per entity — client, site, user, ticket. Run on its own
// unthrottled sandbox tenant; what matters is the number of HaloPSA calls, not the time.
import { SANDBOX_SECRET } from "./stack.mjs";

export async function runBaseline({ sandboxUrl, tenant, leads }) {
  const base = `${sandboxUrl}/t/${tenant}`;
  await put(`${base}/_sandbox/knobs`, { rate_limit: 1_000_000 });
  const tokenRes = await fetch(`${base}/auth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: "leadbridge-dev",
      client_secret: SANDBOX_SECRET,
      scope: "all",
    }),
  });
  const { access_token } = await tokenRes.json();
  const headers = { authorization: `Bearer ${access_token}`, "content-type": "application/json" };
  const search = async (entity, key, text) => {
    const res = await fetch(`${base}/api/${entity}?search=${encodeURIComponent(text)}`, {
      headers,
    });
    const body = await res.json();
    return body[key]?.[0]?.id ?? null;
  };
  const create = async (entity, record) => {
    const res = await fetch(`${base}/api/${entity}`, {
      method: "POST",
      headers,
      body: JSON.stringify([record]),
    });
    const body = await res.json();
    return (Array.isArray(body) ? body[0] : body).id;
  };
  for (const lead of leads) {
    const clientId =
      (await search("Client", "clients", lead.company)) ??
      (await create("Client", { name: lead.company, website: lead.website }));
    const siteName = `${lead.company} - Main Office`;
    const siteId =
      (await search("Site", "sites", siteName)) ??
      (await create("Site", { name: siteName, client_id: clientId }));
    const userId =
      (await search("Users", "users", lead.email)) ??
      (await create("Users", {
        name: `${lead.first_name} ${lead.last_name}`,
        emailaddress: lead.email,
        site_id: siteId,
        client_id: clientId,
      }));
    const summary = `${lead.first_name} ${lead.last_name} - ${lead.company}`;
    if ((await search("Tickets", "tickets", summary)) === null) {
      await create("Tickets", {
        summary,
        tickettype_id: 1,
        client_id: clientId,
        site_id: siteId,
        user_id: userId,
      });
    }
  }
  const stats = await (await fetch(`${base}/_sandbox/stats`)).json();
  return { calls: stats.requests_total, leads: leads.length };
}

async function put(url, body) {
  const res = await fetch(url, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`PUT ${url}: ${res.status} ${await res.text()}`);
}
