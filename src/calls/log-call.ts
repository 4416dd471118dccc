import { auditStatements } from "../db/audit";
import { runBatch } from "../db/batch";
import { type CallRow, insertCallStatement, setCallTransitions } from "../db/calls-repo";
import type { LeadRow } from "../db/leads-repo";
import type { CallDirection } from "../db/schema";
import type { CallOutcome } from "../domain/call-outcomes";
import { haloClient } from "../halo/client";
import { addActions } from "../halo/resources/actions";
import { haloSettings } from "../halo/settings";
import type { ActionWrite } from "../halo/writes";
import { newId } from "../ids";
import { type AutomationStep, callAutomation } from "./automation";
import type { CallContext } from "./context";

/** How long an interactive call may wait for HaloGate's window (as POST /sync/leads does). */
const INTERACTIVE_WAIT_MS = 10_000;

export interface CallInput {
  occurredAt: string;
  direction: CallDirection;
  /** E.164, already normalised. */
  dialledNumber: string;
  durationSeconds: number;
  agent: string;
  outcome: CallOutcome;
  nextAction: string | null;
  nextActionDate: string | null;
  notes: string | null;
}

/**
 * Logs a call: one Actions POST puts it on the record's ticket (a private note, timed at the
 * call and carrying its duration), then the call row and its audit entry are committed, then the
 * automation rules may move the record (`call_outcomes`, then `auto_promotion`). The call stands
 * whatever the automation does: a rule that cannot act is reported, not raised.
 */
export async function logCall(
  ctx: CallContext,
  lead: LeadRow,
  ticketId: number,
  input: CallInput,
): Promise<{ call: CallRow; automation: AutomationStep[] }> {
  const halo = haloClient(ctx.env, haloSettings(ctx.env, ctx.config), {
    maxWaitMs: INTERACTIVE_WAIT_MS,
  });
  const [saved] = await addActions(halo, [callAction(ticketId, input)], { chunkSize: 1 });

  const call: CallRow = {
    id: newId("cl", ctx.now.getTime()),
    leadId: lead.id,
    stage: lead.stage,
    status: lead.status,
    occurredAt: input.occurredAt,
    direction: input.direction,
    dialledNumber: input.dialledNumber,
    durationSeconds: input.durationSeconds,
    agent: input.agent,
    outcome: input.outcome,
    nextAction: input.nextAction,
    nextActionDate: input.nextActionDate,
    notes: input.notes,
    haloTicketId: ticketId,
    haloActionId: saved?.id ?? null,
    transitions: [],
    createdBy: ctx.actor,
    createdAt: ctx.now.toISOString(),
  };
  await runBatch(ctx.db, [
    insertCallStatement(ctx.db, call),
    ...auditStatements(
      ctx.db,
      [
        {
          actor: ctx.actor,
          action: "call.logged",
          entity: "call",
          entityId: call.id,
          leadId: lead.id,
          rule: null,
          detail: {
            outcome: input.outcome,
            direction: input.direction,
            duration_seconds: input.durationSeconds,
            agent: input.agent,
            halopsa: { ticket_id: ticketId, action_id: call.haloActionId },
          },
          requestId: ctx.requestId,
        },
      ],
      ctx.now,
    ),
  ]);
  const automation = await callAutomation(ctx, lead, call);
  if (automation.length > 0) await setCallTransitions(ctx.db, call.id, automation);
  return { call: { ...call, transitions: automation }, automation };
}

function duration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m}m ${s}s` : `${s}s`;
}

/** The call as HaloPSA users read it on the ticket; the same call gives the same text. */
export function callNoteText(input: CallInput): string {
  const lines = [
    `📞 ${input.direction === "outbound" ? "Outbound call to" : "Inbound call from"} ${input.dialledNumber}` +
      ` (${duration(input.durationSeconds)}) by ${input.agent} at ${input.occurredAt}`,
    `Outcome: ${input.outcome.replaceAll("_", " ")}`,
  ];
  if (input.nextAction) {
    lines.push(
      `Next action: ${input.nextAction}${input.nextActionDate ? ` (${input.nextActionDate})` : ""}`,
    );
  }
  if (input.notes) lines.push(`Notes: ${input.notes}`);
  return lines.join("\n");
}

function callAction(ticketId: number, input: CallInput): ActionWrite {
  return {
    ticket_id: ticketId,
    outcome: "Phone Call",
    note: callNoteText(input),
    hiddenfromuser: true,
    sendemail: false,
    datetime: input.occurredAt,
    // HaloPSA counts time taken in hours.
    timetaken: Math.round((input.durationSeconds / 3600) * 10_000) / 10_000,
  };
}
