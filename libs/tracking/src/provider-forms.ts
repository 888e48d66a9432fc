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
    for (const { name, required } of fields) {
      const value = form[name];
      if (value === undefined && !required) continue;
      if (typeof value !== 'string' || value === '' || value.trim() !== value) return false;
    }
    return true;
  };
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

export const sendGridEventBatch = z.array(sendGridEvent).max(20_000);
