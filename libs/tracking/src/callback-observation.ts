import { createHash } from 'node:crypto';
import { Channel, StatusMapping, isVoiceAcknowledgement, mapSendGridEvent, mapTwilioCallStatus, mapTwilioMessageStatus } from '@bin-alert/domain';
import type { CallStatusForm, GatherForm, MessageStatusForm, SendGridEvent } from './provider-forms';

/**
 * One verified provider callback, in the domain's words, before it is looked up and published.
 * `identity` is what the provider says identifies it — the same on every resend — and is what
 * duplicates are dropped on.
 */
export interface CallbackObservation {
  identity: string;
  deliveryId: string | undefined;
  channel: Channel;
  provider: 'twilio' | 'sendgrid';
  providerStatus: string;
  providerId?: string;
  /** Null: the callback says nothing about the delivery's status (and is only counted). */
  mapping: StatusMapping | null;
  acknowledged: boolean;
  occurredAt?: Date;
}

export function messageStatusObservation(deliveryId: string | undefined, form: MessageStatusForm): CallbackObservation {
  const status = form.MessageStatus.toLowerCase();
  return {
    identity: `twilio:message:${form.MessageSid}:${status}`,
    deliveryId,
    channel: 'sms',
    provider: 'twilio',
    providerStatus: status,
    providerId: form.MessageSid,
    mapping: mapTwilioMessageStatus(status, form.ErrorCode),
    acknowledged: false,
    occurredAt: parseRawDlrDoneDate(form.RawDlrDoneDate),
  };
}

export function callStatusObservation(deliveryId: string | undefined, form: CallStatusForm): CallbackObservation {
  const status = form.CallStatus.toLowerCase();
  return {
    identity: `twilio:call:${form.CallSid}:${status}`,
    deliveryId,
    channel: 'voice',
    provider: 'twilio',
    providerStatus: status,
    providerId: form.CallSid,
    mapping: mapTwilioCallStatus(status, form.AnsweredBy),
    acknowledged: false,
    occurredAt: parseDate(form.Timestamp),
  };
}

/** Digits pressed at the `<Gather>`: the call is in progress, and 1 means "received". */
export function gatherObservation(deliveryId: string | undefined, form: GatherForm): CallbackObservation {
  const digits = form.Digits ?? '';
  return {
    identity: `twilio:gather:${form.CallSid}:${digits}`,
    deliveryId,
    channel: 'voice',
    provider: 'twilio',
    providerStatus: 'gather',
    providerId: form.CallSid,
    mapping: { status: 'answered' },
    acknowledged: isVoiceAcknowledgement(digits),
  };
}

export function sendGridObservation(event: SendGridEvent): CallbackObservation {
  return {
    // sg_event_id is unique per event and kept on SendGrid's retries; without it, the event itself.
    identity: `sendgrid:${event.sg_event_id ?? createHash('sha256').update(JSON.stringify(event)).digest('base64url')}`,
    deliveryId: event.delivery_id,
    channel: 'email',
    provider: 'sendgrid',
    providerStatus: event.event,
    // sg_message_id is `<X-Message-Id>.<suffix>`; the dispatcher stored the X-Message-Id.
    providerId: event.sg_message_id?.split('.')[0] || undefined,
    mapping: mapSendGridEvent(event),
    acknowledged: false,
    occurredAt: event.timestamp !== undefined ? parseUnixSeconds(event.timestamp) : undefined,
  };
}

/** Twilio's RawDlrDoneDate: the carrier's delivery time, YYMMDDhhmm in UTC. */
export function parseRawDlrDoneDate(value: string | undefined): Date | undefined {
  const m = value ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value) : null;
  if (!m) return undefined;
  const [, yy, mo, dd, hh, mi] = m.map(Number);
  const date = new Date(Date.UTC(2000 + yy, mo - 1, dd, hh, mi));
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === dd ? date : undefined;
}

function parseDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function parseUnixSeconds(seconds: number): Date | undefined {
  const date = new Date(seconds * 1000);
  return Number.isFinite(seconds) && seconds > 0 && !Number.isNaN(date.getTime()) ? date : undefined;
}
