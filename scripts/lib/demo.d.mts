/** The demo `npm start` runs: provider syncs against the sandbox, then a Hunter pass. */
export function runDemo(options: { base: string; key: string }): Promise<void>;
