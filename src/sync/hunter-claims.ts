import { type AuditEntry, writeAudit } from "../db/audit";
import type { Db } from "../db/client";
import { addSuppression } from "../db/suppressions-repo";
import { hunterClaimedEmailSuppression } from "../domain/suppression";

const ACTOR = "hunter-sync";

/**
 * Hunter answered 451 `claimed_email` for these addresses: "you shouldn't process it yourself in
 * any way" (providers.md §3.3). Each becomes a permanent suppression of origin `hunter` (so every
 * later import of the person, from any provider, is suppressed with no HaloPSA write, and the DNC
 * push flags any ticket LeadBridge already made), with a `suppression.added` audit entry naming
 * the 451, committed in the same batch. The call carried the address, so the address is what is
 * suppressed.
 */
export async function recordHunterClaims(
  db: Db,
  emails: string[],
  endpoint: "email-verifier" | "email-finder",
  now: Date,
): Promise<void> {
  for (const email of new Set(emails)) {
    const entry = hunterClaimedEmailSuppression(email, now);
    if (entry === null) continue;
    const audit = (id: string, action: string): AuditEntry => ({
      actor: ACTOR,
      action,
      entity: "suppression",
      entityId: id,
      rule: "hunter_claimed_email",
      detail: {
        kind: entry.kind,
        value: entry.value,
        provider: "hunter",
        endpoint,
        http_status: 451,
      },
    });
    const { row, created } = await addSuppression(
      db,
      {
        kind: entry.kind,
        value: entry.value,
        reason: entry.reason,
        origin: "hunter",
        createdBy: ACTOR,
      },
      now,
      (id) => audit(id, "suppression.added"),
    );
    // A 451 for an address already suppressed changes nothing; its entry only records that
    // Hunter said so again.
    if (!created) await writeAudit(db, [audit(row.id, "suppression.confirmed")], now);
  }
}
