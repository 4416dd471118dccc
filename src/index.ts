import { createApp } from "./app";
import { handleQueue } from "./jobs/consumer";
import { handleScheduled } from "./jobs/cron";

export { ApiKeyLimiter } from "./auth/rate-limiter";
export { HaloGate } from "./halo/gate";
export { ProviderGate } from "./providers/gate/gate";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: handleQueue,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;
