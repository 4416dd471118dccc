import { Hono } from "hono";
import { z } from "zod";
import type { TenantContext } from "../halo/context";
import { apolloRoutes } from "./apollo";
import { apolloContactsView, resetApolloContacts } from "./apollo-contacts";
import { json } from "./common";
import { hunterRoutes } from "./hunter";
import { PROVIDERS, type ProviderName, ProviderState, providerKnobsPatchSchema } from "./state";
import { zoominfoRoutes } from "./zoominfo";

/**
 * The provider simulators of one tenant, mounted next to its HaloPSA API:
 * `/apollo/api/v1/…`, `/zoominfo/…`, `/hunter/v2/…`, and their control plane under
 * `/_sandbox/providers` (knobs, stats, call log, reset), never counted or limited.
 */
export function mountProviders(app: Hono, t: TenantContext): void {
  const state = new ProviderState(t);
  app.route("/apollo", apolloRoutes(state));
  app.route("/zoominfo", zoominfoRoutes(state));
  app.route("/hunter", hunterRoutes(state));
  app.route("/_sandbox/providers", controlRoutes(state));
}

const isProvider = (v: string | undefined): v is ProviderName =>
  (PROVIDERS as readonly string[]).includes(v ?? "");

function controlRoutes(s: ProviderState): Hono {
  const app = new Hono();

  app.get("/knobs", () => json(s.knobs()));

  app.put("/knobs", async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return json({ error: "invalid_json" }, 400);
    }
    const parsed = providerKnobsPatchSchema.safeParse(body);
    if (!parsed.success) {
      return json({ error: "invalid_body", issues: z.flattenError(parsed.error).fieldErrors }, 400);
    }
    return json(s.patchKnobs(parsed.data));
  });

  app.get("/stats", () =>
    json(Object.fromEntries(PROVIDERS.map((p) => [p, s.counters(p)] as const))),
  );

  // The call log: what each simulator was asked (page, offset, ids served), in order.
  app.get("/calls", (c) => {
    const p = c.req.query("provider");
    if (p !== undefined && !isProvider(p)) return json({ error: "unknown_provider" }, 400);
    return json({ calls: s.calls(p) });
  });

  // Apollo's saved contacts with their stage (what a DNC push changed).
  app.get("/apollo/contacts", () => json({ contacts: apolloContactsView(s) }));

  app.post("/reset", () => {
    s.reset();
    resetApolloContacts(s);
    return json({ ok: true });
  });

  return app;
}
