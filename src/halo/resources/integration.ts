import { type Listable, listEntity } from "../entity";
import { IntegrationErrorRecord, IntegrationRequestRecord } from "../schemas";
import type { Halo } from "../transport";

type Rec = { id: number } & Record<string, unknown>;

// HaloPSA's integration logs, read-only here. Their envelope keys are unverified (the spec's
// responses are untyped); these follow Halo's plural-noun convention, as the sandbox does.
export const integrationErrors: Listable<Rec> = {
  path: "/api/IntegrationError",
  key: "errors",
  record: IntegrationErrorRecord,
};

export const integrationRequests: Listable<Rec> = {
  path: "/api/IntegrationRequest",
  key: "requests",
  record: IntegrationRequestRecord,
};

export const listIntegrationErrors = (
  halo: Halo,
  query: Record<string, string | number | boolean> = {},
) => listEntity(halo, integrationErrors, query);

export const listIntegrationRequests = (
  halo: Halo,
  query: Record<string, string | number | boolean> = {},
) => listEntity(halo, integrationRequests, query);
