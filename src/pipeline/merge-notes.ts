import type { AuditEntry } from "../db/audit";
import { runBatch, type Statement } from "../db/batch";
import { recordError } from "../db/error-log-repo";
import {
  loadMergeNotes,
  type MergeNoteRow as NoteRow,
  upsertMergeNoteStatement as upsertNote,
} from "../db/merge-notes-repo";
import type { CanonicalLead } from "../domain/lead";
import { recordText } from "../domain/record-text";
import type { ActionWrite } from "../halo/writes";
import type { ImportContext } from "./context";
import type { WorkItem } from "./work-item";

/**
 * The seed's "Auto-updated from <source>: ✓ Updated … 🔒 Preserved …" note, written as a
 * private HaloPSA Action on the ticket (never by rewriting the ticket's `notes`, which the merge
 * protects), for every merge that updated a field. As in the seed, the note goes with an update:
 * a merge that only kept HaloPSA's values (a record seen before, another provider's label) has
 * nothing new to tell the salesperson, and an identical re-import must cost no HaloPSA call.
 *
 * Called by the import pass once HaloPSA has taken the batch's updates, with the audit entries
 * of its merges; every note of the pass goes in one Actions POST (100 per POST). Notes are
 * best-effort: a failed POST is logged and never fails or repeats the import.
 *
 * Not twice: a lead's latest note is kept in `merge_notes` with the digest of the record it
 * reported. A pass skips a note whose record was already noted (a re-delivered chunk whose
 * merge was committed, or the same record imported again: nothing new to say); a note left
 * `pending` (the run died between the POST and its batch) is re-sent with its stored text and
 * looked up on the ticket first, so an earlier POST that landed is found, not duplicated.
 * Returns the statements that mark the notes written, for the pass's own D1 batch.
 */
export async function writeMergeNotes(
  ctx: ImportContext,
  items: readonly WorkItem[],
  audit: readonly AuditEntry[],
): Promise<Statement[]> {
  const halo = ctx.halo;
  if (!halo || !ctx.config.halopsa.merge_notes) return [];
  const candidates = await noteCandidates(ctx, items, audit);
  if (candidates.length === 0) return [];

  const stored = await loadMergeNotes(
    ctx.db,
    candidates.map((c) => c.leadId),
  );
  const at = ctx.now.toISOString();
  const fresh: NoteRow[] = [];
  const resend: NoteRow[] = [];
  for (const c of candidates) {
    const prev = stored.get(c.leadId);
    if (prev && prev.digest === c.digest && prev.ticketId === c.ticketId) {
      if (prev.state === "pending") resend.push(prev);
      continue;
    }
    if (!c.updated) continue;
    const { updated: _, ...row } = c;
    fresh.push({ ...row, state: "pending", haloActionId: null, updatedAt: at });
  }
  if (fresh.length === 0 && resend.length === 0) return [];

  try {
    // Recorded before the POST, so a run that dies after it knows to look before re-posting.
    await runBatch(
      ctx.db,
      fresh.map((row) => upsertNote(ctx.db, row)),
    );
    const written: { row: NoteRow; id: number }[] = [];
    if (fresh.length > 0) {
      const ids = await halo.addActions(fresh.map(toAction));
      fresh.forEach((row, i) => {
        const id = ids[i];
        if (id !== undefined) written.push({ row, id });
      });
    }
    if (resend.length > 0) {
      const ids = await halo.addActions(resend.map(toAction), { mayExist: true });
      resend.forEach((row, i) => {
        const id = ids[i];
        if (id !== undefined) written.push({ row, id });
      });
    }
    return written.map(({ row, id }) =>
      upsertNote(ctx.db, { ...row, state: "written", haloActionId: id, updatedAt: at }),
    );
  } catch (err) {
    // Best-effort: the import stands. Notes stay `pending`, so the next merge of the same
    // record re-sends them after a lookup rather than blindly.
    await recordError(
      ctx.db,
      {
        level: "warning",
        code: "MERGE_NOTE_FAILED",
        message: `merge notes not written to HaloPSA: ${String(err).slice(0, 300)}`,
        source: "import:merge-notes",
        requestId: ctx.requestId,
        detail: { lead_ids: [...fresh, ...resend].map((r) => r.leadId) },
      },
      ctx.now,
    ).catch(() => undefined);
    return [];
  }
}

interface NoteCandidate {
  leadId: string;
  ticketId: number;
  digest: string;
  note: string;
  /** Whether the merge updated a field: only then is a new note written. */
  updated: boolean;
}

/**
 * The merges on a known ticket that updated or kept a field: the ones that updated may earn a
 * note; the others are still looked up, because a re-delivered chunk whose update already
 * committed updates nothing the second time, yet may carry a note its first run left pending.
 */
async function noteCandidates(
  ctx: ImportContext,
  items: readonly WorkItem[],
  audit: readonly AuditEntry[],
): Promise<NoteCandidate[]> {
  const byLead = new Map<string, WorkItem>();
  for (const it of items) if (it.existing) byLead.set(it.existing.id, it);
  const out: NoteCandidate[] = [];
  for (const entry of audit) {
    if (entry.action !== "lead.updated" && entry.action !== "lead.preserved") continue;
    const it = entry.leadId ? byLead.get(entry.leadId) : undefined;
    const ticketId = it?.existing?.haloTicketId;
    if (!it || !entry.leadId || ticketId === null || ticketId === undefined) continue;
    const detail = (entry.detail ?? {}) as {
      source?: unknown;
      fields_updated?: unknown;
      fields_preserved?: unknown;
    };
    const updated = strings(detail.fields_updated);
    const preserved = strings(detail.fields_preserved);
    // A merge that updated and kept nothing (an identical re-import) costs no digest and no
    // D1 read. A note an earlier run left pending waits for the record's next merge, which
    // looks it up before re-sending; unsent, it can never be duplicated.
    if (updated.length === 0 && preserved.length === 0) continue;
    const source = typeof detail.source === "string" ? detail.source : it.lead.provenance.source;
    out.push({
      leadId: entry.leadId,
      ticketId,
      digest: await recordDigest(source, it.lead),
      note: mergeNoteText(ctx.now, source, updated, preserved),
      updated: updated.length > 0,
    });
  }
  return out;
}

/** The seed's wording (crm-workflow-and-mappings, smartUpdateLead), one line per list. */
export function mergeNoteText(
  now: Date,
  source: string,
  updated: readonly string[],
  preserved: readonly string[],
): string {
  const list = (fields: readonly string[]) => (fields.length > 0 ? fields.join(", ") : "none");
  return (
    `[${now.toISOString()}] Auto-updated from ${source}:\n` +
    `✓ Updated: ${list(updated)}\n` +
    `🔒 Preserved: ${list(preserved)}`
  );
}

function toAction(row: NoteRow): ActionWrite {
  return {
    ticket_id: row.ticketId,
    note: row.note,
    outcome: "Private Note",
    hiddenfromuser: true,
    sendemail: false,
  };
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** The provider's record as merged, without its fetch time (a re-fetch says nothing new). */
async function recordDigest(source: string, lead: CanonicalLead): Promise<string> {
  const text = `${source}\n${recordText(lead)}`;
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
