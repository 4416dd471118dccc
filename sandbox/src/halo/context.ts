import { Tokens } from "./auth";
import { Kv, migrate, type Sql } from "./db";
import { envKnobs, KnobStore, type Knobs } from "./knobs";
import { RollingWindow } from "./limiter";
import { Dice } from "./prng";
import { Stats } from "./stats";
import { Store } from "./store";
import { Tags } from "./tags";

/** Everything one tenant's handlers need, built once per Durable Object instance. */
export class TenantContext {
  readonly kv: Kv;
  readonly store: Store;
  readonly knobStore: KnobStore;
  readonly stats: Stats;
  readonly window: RollingWindow;
  readonly tokens: Tokens;
  readonly dice: Dice;
  readonly tags: Tags;

  constructor(
    readonly sql: Sql,
    readonly env: SandboxEnv,
    readonly state: DurableObjectState,
  ) {
    migrate(sql);
    this.kv = new Kv(sql);
    this.store = new Store(sql);
    this.knobStore = new KnobStore(this.kv, envKnobs(env));
    this.stats = new Stats(this.kv);
    this.window = new RollingWindow(sql);
    this.tokens = new Tokens(sql);
    this.dice = new Dice(this.kv);
    this.tags = new Tags(this.kv);
  }

  knobs(): Knobs {
    return this.knobStore.get();
  }

  /** The tenant clock: wall time plus `clock_offset_ms` (advanced by POST /_sandbox/clock). */
  now(knobs: Knobs = this.knobs()): number {
    return Date.now() + knobs.clock_offset_ms;
  }

  /** Stable per-tenant webhook id, as a Halo webhook configuration would have. */
  webhookId(): string {
    const existing = this.kv.get("webhook_id");
    if (typeof existing === "string") return existing;
    const id = crypto.randomUUID();
    this.kv.set("webhook_id", id);
    return id;
  }
}
