import { z } from 'zod';

/**
 * What the tracker reads from each provider webhook, validated after the signature. Everything
 * else the providers send is ignored (`passthrough`): they add fields over time.
 */
const field = z.string().trim().min(1);
const optional = z.string().trim().optional();

export const messageStatusForm = z.object({ MessageSid: field, MessageStatus: field, ErrorCode: optional, RawDlrDoneDate: optional }).passthrough();
export type MessageStatusForm = z.infer<typeof messageStatusForm>;

export const callStatusForm = z.object({ CallSid: field, CallStatus: field, AnsweredBy: optional, Timestamp: optional }).passthrough();
export type CallStatusForm = z.infer<typeof callStatusForm>;

/**
 * Whether a posted form already is what a status form's schema would make of it: each field the
 * schema reads a string with nothing to trim, the required ones not empty. Such a form is read as
 * it came, without zod's walk and copy of it (one per status callback, the tracker's busiest
 * route); any other goes to the schema, which trims it or refuses it with its issues. For a schema
 * of `field` and `optional` strings only.
 */
export function formAsIs<S extends z.AnyZodObject>(schema: S): (form: Record<string, unknown>) => form is z.infer<S> {
  const fields = Object.entries(schema.shape as Record<string, z.ZodTypeAny>).map(([name, type]) => ({ name, required: !type.isOptional() }));
  return (form): form is z.infer<S> => {
    for (const { name, required } of fields) if (!stringAsIs(form[name], required)) return false;
    return true;
  };
}

/** A string with nothing to trim and not empty (or, when not required, absent). */
function stringAsIs(value: unknown, required: boolean): boolean {
  return (value === undefined && !required) || (typeof value === 'string' && value !== '' && value.trim() === value);
}

export const messageStatusFormAsIs = formAsIs(messageStatusForm);
export const callStatusFormAsIs = formAsIs(callStatusForm);

/** Twilio fetching a call's TwiML on answer; AnsweredBy tells a person from a machine. */
export const voiceAnswerForm = z.object({ CallSid: field, AnsweredBy: optional }).passthrough();
export type VoiceAnswerForm = z.infer<typeof voiceAnswerForm>;

export const gatherForm = z.object({ CallSid: field, Digits: optional, CallStatus: optional }).passthrough();
export type GatherForm = z.infer<typeof gatherForm>;

export const inboundSmsForm = z.object({ MessageSid: field, From: field, Body: z.string().default(''), OptOutType: optional }).passthrough();
export type InboundSmsForm = z.infer<typeof inboundSmsForm>;

/** One SendGrid event; custom args (delivery_id) are flattened to the top level. */
export const sendGridEvent = z
  .object({
    event: field,
    sg_event_id: optional,
    sg_message_id: optional,
    delivery_id: optional,
    timestamp: z.number().optional(),
    type: optional,
    reason: optional,
    bounce_classification: optional,
  })
  .passthrough();
export type SendGridEvent = z.infer<typeof sendGridEvent>;

const MAX_SENDGRID_BATCH = 20_000;
export const sendGridEventBatch = z.array(sendGridEvent).max(MAX_SENDGRID_BATCH);

const SENDGRID_OPTIONAL_STRINGS = ['sg_message_id', 'delivery_id', 'type', 'reason', 'bounce_classification'] as const;

/**
 * Whether a SendGrid batch already is what sendGridEventBatch would make of it (as formAsIs for
 * the forms): read as posted, without zod's walk and copy of every event. Only events with their
 * sg_event_id: an event without one is identified by its JSON (sendGridObservation), whose key
 * order the schema's copy sets, so such a batch goes to the schema as before.
 */
export function sendGridEventBatchAsIs(batch: unknown): batch is SendGridEvent[] {
  if (!Array.isArray(batch) || batch.length > MAX_SENDGRID_BATCH) return false;
  for (const event of batch) {
    if (typeof event !== 'object' || event === null || Array.isArray(event)) return false;
    const e = event as Record<string, unknown>;
    if (!stringAsIs(e.event, true) || !stringAsIs(e.sg_event_id, true)) return false;
    if (e.timestamp !== undefined && !Number.isFinite(e.timestamp)) return false;
    for (const name of SENDGRID_OPTIONAL_STRINGS) if (!stringAsIs(e[name], false)) return false;
  }
  return true;
}
