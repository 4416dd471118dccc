import { createApp } from "./app";
import { handleQueue } from "./jobs/consumer";

export { HaloGate } from "./halo/gate";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: handleQueue,
} satisfies ExportedHandler<Env>;
