import type { HaloGate } from "./gate";
import type { HaloTenantSettings } from "./settings";
import { DEFAULT_READ_ATTEMPTS, type Halo } from "./transport";
import type { GateResult, HaloRequest, HaloTransport } from "./types";

/** The tenant's HaloGate: one Durable Object per HaloPSA base URL. */
export function gateStub(env: Env, settings: HaloTenantSettings): DurableObjectStub<HaloGate> {
  return env.HALO_GATE.get(env.HALO_GATE.idFromName(settings.baseUrl));
}

/** Adapts the RPC stub to the plain transport interface the client functions take. */
export function gateTransport(stub: DurableObjectStub<HaloGate>): HaloTransport {
  return {
    async send(settings: HaloTenantSettings, request: HaloRequest): Promise<GateResult> {
      return (await stub.send(settings, request)) as GateResult;
    },
  };
}

export interface HaloClientOptions {
  /** Wait out throttling up to this long (interactive calls); 0 for queue work (the default). */
  maxWaitMs?: number;
  readAttempts?: number;
}

/** A HaloPSA client for one tenant, every request going through its HaloGate. */
export function haloClient(
  env: Env,
  settings: HaloTenantSettings,
  options: HaloClientOptions = {},
): Halo {
  return {
    transport: gateTransport(gateStub(env, settings)),
    settings,
    maxWaitMs: options.maxWaitMs ?? 0,
    readAttempts: options.readAttempts ?? DEFAULT_READ_ATTEMPTS,
  };
}
