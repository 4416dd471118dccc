import { createApp } from "./app";

export { HaloGate } from "./halo/gate";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
