import type { SuppressionRow } from "../db/suppressions-repo";
import type { WorkItem } from "./work-item";

export type SuppressionVerdict =
  | { kind: "live"; item: WorkItem }
  | { kind: "suppressed"; reasons: { code: string; message: string }[] };

/**
 * Applies the suppression store to one lead. An email or domain entry suppresses the person:
 * nothing is created or updated in HaloPSA. A phone entry only removes that number (a "do not
 * call" registration is not "do not contact"), unless the phone was the only way to reach the
 * person, in which case the lead is suppressed too.
 */
export function applySuppressions(item: WorkItem, rows: SuppressionRow[]): SuppressionVerdict {
  const byKey = new Map(rows.map((r) => [`${r.kind}:${r.value}`, r]));
  const matches = item.suppressionKeys.flatMap((k) => {
    const row = byKey.get(`${k.kind}:${k.value}`);
    return row ? [{ key: k, row }] : [];
  });
  if (matches.length === 0) return { kind: "live", item };

  const reasons = matches.map((m) => ({
    code: `suppressed_${m.key.kind}`,
    message: `${m.key.field} ${m.key.value} is suppressed (${m.row.reason ?? m.row.origin})`,
  }));
  const blocksPerson = matches.some((m) => m.key.kind !== "phone");
  if (blocksPerson || item.lead.person.email === null) return { kind: "suppressed", reasons };

  const blocked = new Set(matches.map((m) => m.key.value));
  const lead = structuredClone(item.lead);
  lead.person.phones = lead.person.phones.filter((p) => !blocked.has(p.e164));
  if (lead.company.phone && blocked.has(lead.company.phone.e164)) lead.company.phone = null;
  return {
    kind: "live",
    item: {
      ...item,
      lead,
      suppressionKeys: item.suppressionKeys.filter((k) => !blocked.has(k.value)),
      actions: [...item.actions, "suppressed_phone_removed"],
    },
  };
}
