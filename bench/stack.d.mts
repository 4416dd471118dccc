export const SANDBOX_SECRET: string;
export interface Stack {
  /** The service's API root, e.g. http://127.0.0.1:PORT/api/v1 */
  api: string;
  sandboxUrl: string;
  /** An admin API key. */
  key: string;
  stop: () => void;
  /** The service's `wrangler dev` process (its workerd runs under it). */
  servicePid: number | undefined;
  /** The sandbox's `wrangler dev` process. */
  sandboxPid: number | undefined;
}
export function startStack(options: {
  tenant: string;
  /** Extra Worker variables for the service (`--var NAME:value`). */
  vars?: Record<string, string>;
}): Promise<Stack>;
