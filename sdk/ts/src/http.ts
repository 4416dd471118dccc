import { errorFor, NetworkError, parseEnvelope } from "./errors.js";

export interface ClientOptions {
  apiKey: string;
  /** The API root, e.g. `https://leadbridge.example.com/api/v1` (`/api/v1` is added if missing). */
  baseUrl: string;
  /** Retries after 429, 503, 502, 504 and network failures (default 3). */
  maxRetries?: number;
  /** Longest single wait between attempts, whatever Retry-After says (default 30 s). */
  maxRetryDelayMs?: number;
  /** Per-attempt timeout (default 60 s). */
  timeoutMs?: number;
  /** A fetch implementation (default: the global one — Node 20+, browsers, Workers). */
  fetch?: typeof fetch;
  /** Called before each retry, e.g. to log it. */
  onRetry?: (info: { attempt: number; delayMs: number; status: number | null }) => void;
  userAgent?: string;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  /** A raw body (CSV upload). A stream cannot be replayed, so it is sent once. */
  body?: RequestBody;
  contentType?: string;
  /** Sent on a POST; one is generated when absent so retries can never duplicate work. */
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** Error statuses whose body is returned as data instead of thrown (health's 503). */
  accept?: number[];
}

export interface ApiResponse<T> {
  status: number;
  data: T;
  requestId: string | null;
  headers: Headers;
}

/** A fetch body (DOM `BodyInit`, spelled so Node-only type setups have it too). */
type RequestBody = NonNullable<RequestInit["body"]>;

const RETRY_STATUS = new Set([429, 502, 503, 504]);

export class Transport {
  readonly baseUrl: string;
  private readonly opts: Required<Omit<ClientOptions, "onRetry" | "userAgent" | "fetch">> &
    Pick<ClientOptions, "onRetry" | "userAgent">;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ClientOptions) {
    if (!options.apiKey) throw new TypeError("apiKey is required");
    if (!options.baseUrl) throw new TypeError("baseUrl is required");
    const root = options.baseUrl.replace(/\/+$/, "");
    this.baseUrl = /\/api\/v\d+$/.test(root) ? root : `${root}/api/v1`;
    this.opts = {
      apiKey: options.apiKey,
      baseUrl: this.baseUrl,
      maxRetries: options.maxRetries ?? 3,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 30_000,
      timeoutMs: options.timeoutMs ?? 60_000,
      onRetry: options.onRetry,
      userAgent: options.userAgent,
    };
    // Bound so a browser's window.fetch is not called with the wrong `this`.
    const f = options.fetch ?? globalThis.fetch;
    this.fetchImpl = (input, init) => f(input, init);
  }

  async request<T>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [k, v] of Object.entries(options.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const headers = new Headers({
      Authorization: `Bearer ${this.opts.apiKey}`,
      Accept: "application/json",
    });
    if (this.opts.userAgent) headers.set("User-Agent", this.opts.userAgent);
    let body: RequestBody | undefined;
    if (options.json !== undefined) {
      headers.set("Content-Type", "application/json");
      body = JSON.stringify(options.json);
    } else if (options.body !== undefined) {
      body = options.body;
      if (options.contentType) headers.set("Content-Type", options.contentType);
    }
    if (method === "POST") headers.set("Idempotency-Key", options.idempotencyKey ?? newKey());
    const replayable = !(typeof ReadableStream !== "undefined" && body instanceof ReadableStream);
    const maxAttempts = replayable ? this.opts.maxRetries + 1 : 1;

    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await this.send(url, method, headers, body, options.signal);
      } catch (err) {
        if (options.signal?.aborted) throw err;
        if (attempt >= maxAttempts) {
          throw new NetworkError(
            0,
            {
              code: "NETWORK_ERROR",
              message: `${method} ${url.pathname} failed: ${String((err as Error).message ?? err)}`,
              details: null,
              timestamp: null,
              request_id: null,
            },
            { cause: err },
          );
        }
        await this.pause(attempt, null, null, options.signal);
        continue;
      }
      const requestId = res.headers.get("X-Request-Id");
      if (res.ok || options.accept?.includes(res.status)) {
        const text = await res.text();
        let data: unknown = text;
        if (text && (res.headers.get("Content-Type") ?? "").includes("json"))
          data = JSON.parse(text);
        return { status: res.status, data: data as T, requestId, headers: res.headers };
      }
      const retryAfter = parseRetryAfter(res.headers.get("Retry-After"));
      if (RETRY_STATUS.has(res.status) && attempt < maxAttempts) {
        await res.body?.cancel();
        await this.pause(attempt, res.status, retryAfter, options.signal);
        continue;
      }
      const text = await res.text();
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {}
      throw errorFor(res.status, parseEnvelope(res.status, parsed, requestId), retryAfter);
    }
  }

  private async send(
    url: URL,
    method: string,
    headers: Headers,
    body: RequestBody | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    const init: RequestInit & { duplex?: "half" } = {
      method,
      headers,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    };
    if (body !== undefined) {
      init.body = body;
      // Node's fetch needs this to send a stream body.
      if (typeof ReadableStream !== "undefined" && body instanceof ReadableStream)
        init.duplex = "half";
    }
    return this.fetchImpl(url, init);
  }

  private async pause(
    attempt: number,
    status: number | null,
    retryAfterSeconds: number | null,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const backoff = Math.min(500 * 2 ** (attempt - 1), 8_000) * (0.5 + Math.random() / 2);
    const wanted = retryAfterSeconds !== null ? retryAfterSeconds * 1000 : backoff;
    const delayMs = Math.min(wanted, this.opts.maxRetryDelayMs);
    this.opts.onRetry?.({ attempt, delayMs, status });
    await sleep(delayMs, signal);
  }
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === "") return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, (at - now) / 1000);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

function newKey(): string {
  return `sdk-${crypto.randomUUID()}`;
}
