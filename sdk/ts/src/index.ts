export {
  type ApiKey,
  type BulkImportAccepted,
  type BulkOptions,
  type BulkProgress,
  type ConvertRequest,
  type ConvertResult,
  type CreatedApiKey,
  type CreateSuppression,
  type FlatLead,
  HaloIntegration,
  type Health,
  type ImportOptions,
  type JobDetail,
  type JobSummary,
  type LeadSource,
  type OpportunityRequest,
  type OpportunityResult,
  type Suppression,
  type SyncLeadRequest,
  type SyncLeadResponse,
  suppressionKind,
  type WaitOptions,
} from "./client.js";
export {
  AuthenticationError,
  AuthorizationError,
  ConflictError,
  type ErrorEnvelope,
  LeadBridgeError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ServerError,
  ValidationError,
} from "./errors.js";
export type { components, paths } from "./generated/openapi.js";
export { type ClientOptions, parseRetryAfter, type RequestOptions } from "./http.js";
export {
  signWebhook,
  type VerifyOptions,
  verifyWebhook,
  type WebhookHeaders,
  WebhookVerificationError,
} from "./webhooks.js";

import { HaloIntegration } from "./client.js";
/** The same class under the project's own name. */
export const LeadBridge = HaloIntegration;
