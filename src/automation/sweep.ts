import { lifecycleContext } from "../lifecycle/context";
import { sweepPromotions } from "./promotion";

/**
 * The time-based half of the automation rules, run by the every-minute cron. Bounded (one D1
 * query, at most one batch of transitions) and never throwing: the cron's other work goes on.
 */
export async function runAutomationSweep(env: Env, now: Date): Promise<number> {
  try {
    const ctx = await lifecycleContext(env, { requestId: null, now });
    const results = await sweepPromotions(ctx);
    return results.filter((r) => r.ok && r.changed).length;
  } catch (err) {
    console.error(
      JSON.stringify({ level: "error", source: "cron:automation", message: String(err) }),
    );
    return 0;
  }
}
