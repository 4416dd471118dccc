import { exports } from "cloudflare:workers";

export const ORIGIN = "http://localhost";
export const DEV_CLIENT = { id: "leadbridge-dev", secret: "sandbox-secret-change-me" };

// `exports.default` is the sandbox Worker, run in-process by vitest. Its static type depends on
// which generated wrangler types are in scope (the service's or the sandbox's), so it is named here.
const main = exports as unknown as { default: Pick<Fetcher, "fetch"> };

/** Raw fetch against the sandbox Worker (in-process, no network). */
export function raw(url: string, init?: RequestInit): Promise<Response> {
  return main.default.fetch(new Request(url, init));
}

export function tokenForm(overrides: Record<string, string> = {}): string {
  return new URLSearchParams({
    grant_type: "client_credentials",
    client_id: DEV_CLIENT.id,
    client_secret: DEV_CLIENT.secret,
    scope: "all",
    ...overrides,
  }).toString();
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A client bound to one fresh tenant, so every test starts from an empty HaloPSA. */
export class Halo {
  readonly base: string;
  private token: string | undefined;

  constructor(readonly tenant = `t${crypto.randomUUID().slice(0, 12)}`) {
    this.base = `${ORIGIN}/t/${tenant}`;
  }

  requestToken(form = tokenForm()): Promise<Response> {
    return raw(`${this.base}/auth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form,
    });
  }

  async login(): Promise<string> {
    const res = await this.requestToken();
    if (res.status !== 200) throw new Error(`token: ${res.status}`);
    const body = (await res.json()) as { access_token: string };
    this.token = body.access_token;
    return this.token;
  }

  async api(method: string, path: string, body?: unknown, token?: string): Promise<Response> {
    const auth = token ?? this.token ?? (await this.login());
    return raw(`${this.base}/api/${path}`, {
      method,
      headers: { authorization: `Bearer ${auth}`, "content-type": "application/json" },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
  }

  get(path: string): Promise<Response> {
    return this.api("GET", path);
  }

  post(path: string, body: unknown): Promise<Response> {
    return this.api("POST", path, body);
  }

  async json<T = Record<string, unknown>>(res: Response | Promise<Response>): Promise<T> {
    return (await (await res).json()) as T;
  }

  async knobs(patch: Record<string, unknown>): Promise<Record<string, unknown>> {
    const res = await raw(`${this.base}/_sandbox/knobs`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(patch),
    });
    if (res.status !== 200) throw new Error(`knobs: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  }

  async control<T = Record<string, unknown>>(path: string, init?: RequestInit): Promise<T> {
    const res = await raw(`${this.base}/_sandbox/${path}`, init);
    return (await res.json()) as T;
  }

  advanceClock(seconds: number): Promise<unknown> {
    return this.control("clock", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ advance_seconds: seconds }),
    });
  }
}

export type Rec = Record<string, unknown> & { id: number };
export type Envelope<K extends string> = { record_count: number } & Record<K, Rec[]>;
