import type { components, paths } from "./generated/openapi.js";
import { type ClientOptions, type RequestOptions, sleep, Transport } from "./http.js";
import { type VerifyOptions, verifyWebhook, type WebhookHeaders } from "./webhooks.js";

type Schemas = components["schemas"];
type Json<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { "application/json": infer B } };
}
  ? B
  : never;
type Ok<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: { 200: { content: { "application/json": infer R } } };
}
  ? R
  : never;
type Created<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: { 201: { content: { "application/json": infer R } } };
}
  ? R
  : never;
type Query<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  parameters: { query?: infer Q };
}
  ? NonNullable<Q>
  : never;

export type LeadSource = Schemas["SyncLeadRequest"]["source"];
export type SyncLeadRequest = Json<"/api/v1/sync/leads", "post">;
export type SyncLeadResponse = Schemas["SyncLeadResponse"];
export type BulkImportRequest = Json<"/api/v1/sync/leads/bulk", "post">;
export type BulkImportAccepted = Schemas["BulkImportAccepted"];
export type JobSummary = Schemas["JobSummary"];
export type JobDetail = Schemas["JobDetail"];
export type ImportOptions = Schemas["ImportOptions"];
export type Suppression = Schemas["Suppression"];
export type CreateSuppression = Schemas["CreateSuppression"];
export type ApiKey = Schemas["ApiKey"];
export type CreatedApiKey = Schemas["CreatedApiKey"];
export type Health = Schemas["Health"];
export type Pagination = Schemas["Pagination"];

/** The seed's flat form: the lead's fields with `source` alongside them. */
export type FlatLead = { source: LeadSource } & Record<string, unknown>;

export interface BulkProgress {
  job: JobSummary;
  /** 0…1 */
  fraction: number;
}

export interface BulkOptions {
  source: LeadSource;
  options?: Partial<ImportOptions>;
  continueOnError?: boolean;
  /** Poll the job until it finishes (default true); false returns once it is accepted. */
  wait?: boolean;
  pollIntervalMs?: number;
  onProgress?: (progress: BulkProgress) => void;
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface WaitOptions {
  pollIntervalMs?: number;
  onProgress?: (progress: BulkProgress) => void;
  signal?: AbortSignal;
  /** Give up after this long (default: never). */
  timeoutMs?: number;
}

export const FINISHED = new Set(["completed", "completed_with_errors"]);

function isSyncRequest(input: SyncLeadRequest | FlatLead): input is SyncLeadRequest {
  return typeof input.data === "object" && input.data !== null && !Array.isArray(input.data);
}

class Leads {
  constructor(
    private readonly t: Transport,
    private readonly jobs: Jobs,
  ) {}

  /**
   * Imports one lead. Takes the seed's flat form (`{first_name, email, …, source}`) or the API's
   * `{source, data, options}`.
   */
  async sync(
    lead: FlatLead | SyncLeadRequest,
    request: Pick<RequestOptions, "idempotencyKey" | "signal"> = {},
  ): Promise<SyncLeadResponse> {
    const body: SyncLeadRequest = isSyncRequest(lead) ? lead : toSyncRequest(lead);
    return (
      await this.t.request<SyncLeadResponse>("POST", "/sync/leads", { ...request, json: body })
    ).data;
  }

  /** The same decision as a dry run: the normalised lead, its quality score and any issues. */
  async validate(lead: FlatLead | SyncLeadRequest): Promise<Schemas["ValidateLeadResponse"]> {
    const body = isSyncRequest(lead) ? lead : toSyncRequest(lead);
    const { source, data } = body;
    return (
      await this.t.request<Schemas["ValidateLeadResponse"]>("POST", "/validate/leads", {
        json: { source, data },
      })
    ).data;
  }

  /**
   * Starts a bulk import and (by default) polls the job until every lead is decided, calling
   * `onProgress` on each poll. Returns the finished job with per-lead results.
   */
  async bulk(leads: Record<string, unknown>[], opts: BulkOptions): Promise<JobDetail> {
    const accepted = await this.startBulk(leads, opts);
    if (opts.wait === false) return this.jobs.get(accepted.job_id);
    return this.jobs.wait(accepted.job_id, opts);
  }

  /** Queues a bulk import and returns at once with the job id. */
  async startBulk(
    leads: Record<string, unknown>[],
    opts: BulkOptions,
  ): Promise<BulkImportAccepted> {
    const body: BulkImportRequest = {
      source: opts.source,
      leads,
      ...(opts.options ? { options: opts.options as ImportOptions } : {}),
      batch_options: { continue_on_error: opts.continueOnError ?? true },
    };
    return (
      await this.t.request<BulkImportAccepted>("POST", "/sync/leads/bulk", {
        json: body,
        ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      })
    ).data;
  }

  /** Uploads a CSV file (text, Blob or stream) as one bulk job; the service streams it. */
  async uploadCsv(
    csv: string | Blob | ReadableStream<Uint8Array>,
    opts: { source: LeadSource; idempotencyKey?: string; signal?: AbortSignal },
  ): Promise<BulkImportAccepted> {
    return (
      await this.t.request<BulkImportAccepted>("POST", "/sync/leads/bulk", {
        query: { source: opts.source },
        body: csv,
        contentType: "text/csv",
        ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      })
    ).data;
  }

  async list(query: Query<"/api/v1/leads", "get"> = {}) {
    return (await this.t.request<Ok<"/api/v1/leads", "get">>("GET", "/leads", { query })).data;
  }

  async get(id: string) {
    return (await this.t.request<Schemas["LeadDetail"]>("GET", `/leads/${encodeURIComponent(id)}`))
      .data;
  }

  /** `PUT /leads/{id}/status`: one arrow of the lead state machine (409 lists the allowed ones). */
  async setStatus(id: string, body: Json<"/api/v1/leads/{id}/status", "put">) {
    const path = `/leads/${encodeURIComponent(id)}/status`;
    return (
      await this.t.request<Ok<"/api/v1/leads/{id}/status", "put">>("PUT", path, { json: body })
    ).data;
  }
}

function toSyncRequest(lead: FlatLead): SyncLeadRequest {
  const { source, options, ...data } = lead;
  return {
    source,
    data,
    ...(options && typeof options === "object" ? { options: options as ImportOptions } : {}),
  };
}

class Jobs {
  constructor(private readonly t: Transport) {}

  async list(query: Query<"/api/v1/sync/jobs", "get"> = {}) {
    return (
      await this.t.request<{ jobs: JobSummary[]; pagination: Pagination }>("GET", "/sync/jobs", {
        query,
      })
    ).data;
  }

  async get(id: string): Promise<JobDetail> {
    return (await this.t.request<JobDetail>("GET", `/sync/jobs/${encodeURIComponent(id)}`)).data;
  }

  /** Polls a job until it finishes, reporting progress on every poll. */
  async wait(id: string, opts: WaitOptions = {}): Promise<JobDetail> {
    const interval = opts.pollIntervalMs ?? 1000;
    const deadline = opts.timeoutMs === undefined ? Infinity : Date.now() + opts.timeoutMs;
    for (;;) {
      const job = await this.get(id);
      opts.onProgress?.({ job, fraction: job.total === 0 ? 1 : job.processed / job.total });
      if (FINISHED.has(job.status)) return job;
      if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status} after timeout`);
      await sleep(interval, opts.signal);
    }
  }

  /** Replays a job's failed leads. */
  async retry(id: string) {
    return (
      await this.t.request<BulkImportAccepted>("POST", `/sync/jobs/${encodeURIComponent(id)}/retry`)
    ).data;
  }
}

type ConvertBody = Json<"/api/v1/prospects/convert/{lead_id}", "post">;
/** The generated body marks fields with server defaults required; a caller may leave them out. */
export type ConvertRequest = Omit<ConvertBody, "conversion_options"> & {
  conversion_options?: Partial<ConvertBody["conversion_options"]>;
};
export type ConvertResult = Created<"/api/v1/prospects/convert/{lead_id}", "post">;
export type OpportunityRequest = Json<"/api/v1/opportunities", "post">;
export type OpportunityResult = Created<"/api/v1/opportunities", "post">;

class Prospects {
  constructor(private readonly t: Transport) {}

  /**
   * `POST /prospects/convert/{lead_id}` as the seed documents it: an engaged lead becomes a
   * prospect (`qualification_data` needs the five criteria; with
   * `conversion_options.create_opportunity` an opportunity at once). An unknown lead throws
   * `NotFoundError`; a lead not at `engaged` throws the 409 `INVALID_TRANSITION` error.
   */
  async convert(leadId: string, body: ConvertRequest): Promise<ConvertResult> {
    const path = `/prospects/convert/${encodeURIComponent(leadId)}`;
    return (await this.t.request<ConvertResult>("POST", path, { json: body })).data;
  }

  async list(query: Query<"/api/v1/prospects", "get"> = {}) {
    return (await this.t.request<Ok<"/api/v1/prospects", "get">>("GET", "/prospects", { query }))
      .data;
  }

  async get(id: string) {
    const path = `/prospects/${encodeURIComponent(id)}`;
    return (await this.t.request<Ok<"/api/v1/prospects/{id}", "get">>("GET", path)).data;
  }

  /** `PUT /prospects/{id}/status`; `qualified` needs the five criteria (409 names what is missing). */
  async setStatus(id: string, body: Json<"/api/v1/prospects/{id}/status", "put">) {
    const path = `/prospects/${encodeURIComponent(id)}/status`;
    return (
      await this.t.request<Ok<"/api/v1/prospects/{id}/status", "put">>("PUT", path, { json: body })
    ).data;
  }
}

class Opportunities {
  constructor(private readonly t: Transport) {}

  /** `POST /opportunities` from a qualified prospect. */
  async create(body: OpportunityRequest): Promise<OpportunityResult> {
    return (await this.t.request<OpportunityResult>("POST", "/opportunities", { json: body })).data;
  }

  async list(query: Query<"/api/v1/opportunities", "get"> = {}) {
    const path = "/opportunities";
    return (await this.t.request<Ok<"/api/v1/opportunities", "get">>("GET", path, { query })).data;
  }

  async get(id: string) {
    const path = `/opportunities/${encodeURIComponent(id)}`;
    return (await this.t.request<Ok<"/api/v1/opportunities/{id}", "get">>("GET", path)).data;
  }

  /** `PUT /opportunities/{id}`: progress, won or lost (both need their reason). */
  async update(id: string, body: Json<"/api/v1/opportunities/{id}", "put">) {
    const path = `/opportunities/${encodeURIComponent(id)}`;
    return (
      await this.t.request<Ok<"/api/v1/opportunities/{id}", "put">>("PUT", path, { json: body })
    ).data;
  }
}

class Suppressions {
  constructor(private readonly t: Transport) {}

  async list(query: Query<"/api/v1/suppressions", "get"> = {}) {
    return (
      await this.t.request<{ suppressions: Suppression[]; pagination: Pagination }>(
        "GET",
        "/suppressions",
        { query },
      )
    ).data;
  }

  /** Adds a Do-Not-Contact entry; `kind` is guessed from the value when omitted. */
  async add(
    value: string,
    opts: Partial<Omit<CreateSuppression, "value">> = {},
  ): Promise<Suppression> {
    const body: CreateSuppression = { kind: opts.kind ?? suppressionKind(value), value, ...opts };
    return (await this.t.request<Suppression>("POST", "/suppressions", { json: body })).data;
  }

  async remove(id: string): Promise<void> {
    await this.t.request("DELETE", `/suppressions/${encodeURIComponent(id)}`);
  }
}

/** email if it has an @, phone if it is mostly digits, otherwise a domain. */
export function suppressionKind(value: string): CreateSuppression["kind"] {
  if (value.includes("@")) return "email";
  if (/^[+\d][\d\s().-]{5,}$/.test(value.trim())) return "phone";
  return "domain";
}

class Keys {
  constructor(private readonly t: Transport) {}

  async create(body: Schemas["CreateApiKey"]): Promise<CreatedApiKey> {
    return (await this.t.request<CreatedApiKey>("POST", "/keys", { json: body })).data;
  }

  async list(): Promise<ApiKey[]> {
    return (await this.t.request<{ keys: ApiKey[] }>("GET", "/keys")).data.keys;
  }

  async revoke(id: string): Promise<void> {
    await this.t.request("DELETE", `/keys/${encodeURIComponent(id)}`);
  }
}

class Webhooks {
  /**
   * Verifies a LeadBridge webhook delivery (Standard Webhooks signature and timestamp) and
   * returns its parsed body; throws `WebhookVerificationError` otherwise.
   */
  verify<T = unknown>(
    payload: string,
    headers: WebhookHeaders,
    secret: string,
    options?: VerifyOptions,
  ): Promise<T> {
    return verifyWebhook<T>(payload, headers, secret, options);
  }
}

/** The LeadBridge client (the seed's `HaloIntegration`). */
export class HaloIntegration {
  readonly leads: Leads;
  readonly jobs: Jobs;
  readonly prospects: Prospects;
  readonly opportunities: Opportunities;
  readonly suppressions: Suppressions;
  readonly keys: Keys;
  readonly webhooks: Webhooks;
  private readonly transport: Transport;

  constructor(options: ClientOptions) {
    this.transport = new Transport(options);
    this.jobs = new Jobs(this.transport);
    this.leads = new Leads(this.transport, this.jobs);
    this.prospects = new Prospects(this.transport);
    this.opportunities = new Opportunities(this.transport);
    this.suppressions = new Suppressions(this.transport);
    this.keys = new Keys(this.transport);
    this.webhooks = new Webhooks();
  }

  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  /** Service health; a 503 (database unreachable) is answered, not thrown: it has a body. */
  async health(): Promise<Health> {
    return (await this.transport.request<Health>("GET", "/health", { accept: [503] })).data;
  }

  /** Any route, for what the resources do not cover yet. */
  request<T>(method: string, path: string, options?: RequestOptions) {
    return this.transport.request<T>(method, path, options);
  }
}
