import { DurableObject } from "cloudflare:workers";
import {
  type Admission,
  admit,
  EMPTY_LIMITER_STATE,
  type LimiterState,
  type RateLimits,
  type RequestKind,
  release,
} from "./rate-limit-policy";

const STATE_KEY = "state";

/**
 * One per API key (`idFromName(key id)`): every request made with the key asks here once. Each
 * RPC reads, decides and writes synchronously (SQLite-backed KV, no await in between), so two
 * requests of one key are decided one after the other and a limit of N lets exactly N through
 * however many arrive at once. The state is stored, so an eviction resets nothing.
 *
 * The limits travel with each call (they live on the key's D1 row, which authentication has
 * already read), so a change made through `PATCH /keys/{id}` applies from the next request.
 */
export class ApiKeyLimiter extends DurableObject<Env> {
  private state(): LimiterState {
    return this.ctx.storage.kv.get<LimiterState>(STATE_KEY) ?? EMPTY_LIMITER_STATE;
  }

  admit(limits: RateLimits, kind: RequestKind): Admission {
    const decided = admit(this.state(), limits, kind, Date.now(), () => crypto.randomUUID());
    this.ctx.storage.kv.put(STATE_KEY, decided.state);
    return decided.admission;
  }

  release(lease: string | null, refundBulk: boolean): void {
    this.ctx.storage.kv.put(STATE_KEY, release(this.state(), lease, refundBulk, Date.now()));
  }
}
