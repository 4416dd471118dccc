import { ORIGIN, raw } from "./helpers";

/** One fresh tenant's provider simulators (`/t/{tenant}/apollo`, …) and their control plane. */
export class Providers {
  readonly base: string;

  constructor(readonly tenant = `p${crypto.randomUUID().slice(0, 12)}`) {
    this.base = `${ORIGIN}/t/${tenant}`;
  }

  apollo(path: string, body: unknown, key = "test-apollo-key"): Promise<Response> {
    return raw(`${this.base}/apollo/api/v1/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": key },
      body: JSON.stringify(body),
    });
  }

  hunter(path: string, params: Record<string, string | number>, key = "test-hunter-key") {
    const q = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
    return raw(`${this.base}/hunter/v2/${path}?${q}`, { headers: { "x-api-key": key } });
  }

  async zoominfoToken(password = "test-zoominfo-key"): Promise<Response> {
    return raw(`${this.base}/zoominfo/authenticate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "leadbridge", password }),
    });
  }

  zoominfo(path: string, body: unknown, jwt: string): Promise<Response> {
    return raw(`${this.base}/zoominfo/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${jwt}` },
      body: JSON.stringify(body),
    });
  }

  async knobs(patch: Record<string, unknown>): Promise<void> {
    const res = await raw(`${this.base}/_sandbox/providers/knobs`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(patch),
    });
    if (res.status !== 200) throw new Error(`knobs: ${res.status} ${await res.text()}`);
  }

  async stats(): Promise<Record<string, { calls: number; credits: number; charged: string[] }>> {
    return (await (await raw(`${this.base}/_sandbox/providers/stats`)).json()) as Record<
      string,
      { calls: number; credits: number; charged: string[] }
    >;
  }

  async calls(
    provider: string,
  ): Promise<{ route: string; status: number; detail: Record<string, unknown> }[]> {
    const res = await raw(`${this.base}/_sandbox/providers/calls?provider=${provider}`);
    return (
      (await res.json()) as {
        calls: { route: string; status: number; detail: Record<string, unknown> }[];
      }
    ).calls;
  }

  advanceClock(seconds: number): Promise<Response> {
    return raw(`${this.base}/_sandbox/clock`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ advance_seconds: seconds }),
    });
  }
}
