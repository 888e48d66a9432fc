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
