export interface HaloHealth {
  state: "connected" | "disconnected" | "error" | "not_configured";
  detail: Record<string, unknown>;
}

/** HaloPSA's state for /health. Filled in by HaloGate (issue 3); until then, configuration only. */
export async function haloHealth(env: Env): Promise<HaloHealth> {
  if (!env.HALO_CLIENT_SECRET) {
    return { state: "not_configured", detail: { reason: "HALO_CLIENT_SECRET is not set" } };
  }
  return { state: "disconnected", detail: { reason: "HaloGate not yet wired" } };
}
