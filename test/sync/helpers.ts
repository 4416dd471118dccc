import { env } from "cloudflare:workers";
import { mergePatch } from "../../src/config/merge-patch";
import { ConfigSchema } from "../../src/config/schema";
import { database } from "../../src/db/client";
import { loadConfig } from "../../src/db/config-repo";
import { configVersions } from "../../src/db/schema";

/**
 * One sandbox tenant's provider simulators (`{SANDBOX_URL}/t/{tenant}/apollo`, …), reached over
 * HTTP like the real providers, with the service env pointed at them.
 */
export class ProviderSandbox {
  readonly tenant = `sync-${crypto.randomUUID().slice(0, 12)}`;
  readonly base = `${env.SANDBOX_URL}/t/${this.tenant}`;

  /** The Worker env with the provider base URLs on this tenant. */
  env(overrides: Partial<Env> = {}): Env {
    return {
      ...env,
      APOLLO_BASE_URL: `${this.base}/apollo`,
      ZOOMINFO_BASE_URL: `${this.base}/zoominfo`,
      HUNTER_BASE_URL: `${this.base}/hunter`,
      ...overrides,
    };
  }

  async knobs(patch: Record<string, unknown>): Promise<void> {
    const res = await fetch(`${this.base}/_sandbox/providers/knobs`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(patch),
    });
    if (!res.ok) throw new Error(`knobs: ${res.status} ${await res.text()}`);
  }

  async stats(): Promise<Record<string, { calls: number; credits: number; charged: string[] }>> {
    return (await (await fetch(`${this.base}/_sandbox/providers/stats`)).json()) as Record<
      string,
      { calls: number; credits: number; charged: string[] }
    >;
  }

  async calls(provider: string): Promise<SandboxCall[]> {
    const res = await fetch(`${this.base}/_sandbox/providers/calls?provider=${provider}`);
    return ((await res.json()) as { calls: SandboxCall[] }).calls;
  }
}

export interface SandboxCall {
  route: string;
  status: number;
  detail: {
    page?: number;
    per_page?: number;
    offset?: number;
    domain?: string;
    ids?: string[];
    emails?: string[];
  };
}

/**
 * Merges a patch into the stored configuration (a new version), as PUT /config would, straight
 * into D1 (no audit entry: the change is the test's setup).
 */
export async function patchConfig(patch: Record<string, unknown>): Promise<void> {
  const db = database(env.DB);
  const current = await loadConfig(db);
  const next = ConfigSchema.parse(mergePatch(current.config, patch));
  await db
    .insert(configVersions)
    .values({ version: current.version + 1, document: next, changedBy: "test" });
}

/** The records an import job was given (job_items.input), in order. */
export async function jobInputs(jobIds: string[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const id of jobIds) {
    const { results } = await env.DB.prepare(
      "SELECT input FROM job_items WHERE job_id = ? ORDER BY idx",
    )
      .bind(id)
      .all<{ input: string }>();
    out.push(...results.map((r) => JSON.parse(r.input) as unknown));
  }
  return out;
}

export async function cursorRow(provider: string, searchId: string) {
  return env.DB.prepare("SELECT * FROM sync_cursors WHERE provider = ? AND search_id = ?")
    .bind(provider, searchId)
    .first<{
      status: string;
      paused_until: string | null;
      cursor: string;
      imported: number;
      last_error: string | null;
    }>();
}
