export const SANDBOX_SECRET: string;
export interface Stack {
  /** The service's API root, e.g. http://127.0.0.1:PORT/api/v1 */
  api: string;
  sandboxUrl: string;
  /** An admin API key. */
  key: string;
  stop: () => void;
}
export function startStack(options: {
  tenant: string;
  /** Extra Worker variables for the service (`--var NAME:value`). */
  vars?: Record<string, string>;
}): Promise<Stack>;
