/**
 * Where the providers call the tracker back. The dispatchers put these URLs in their requests
 * (StatusCallback, the `<Gather action>`) and the tracker serves the same paths, so both sides
 * take them from here. `trackerPublicUrl` is the tracker's origin as the provider sees it
 * (TRACKER_PUBLIC_URL), possibly with a path prefix a proxy strips; the Twilio signature covers
 * the exact URL, so it must not change between sending and receiving.
 */
export const TRACKER_WEBHOOK_PATHS = {
  twilioMessageStatus: '/webhooks/twilio/message-status',
  twilioCallStatus: '/webhooks/twilio/call-status',
  twilioVoiceGather: '/webhooks/twilio/voice-gather',
  twilioVoiceAnswer: '/webhooks/twilio/voice-answer',
  twilioInboundSms: '/webhooks/twilio/inbound-sms',
  sendGridEvents: '/webhooks/sendgrid/events',
} as const;

/** The call events the tracker wants posted (Twilio's default is `completed` only). */
export const TRACKED_CALL_EVENTS = ['initiated', 'ringing', 'answered', 'completed'] as const;
export type CallStatusEvent = (typeof TRACKED_CALL_EVENTS)[number];

function url(trackerPublicUrl: string, path: string, deliveryId?: string): string {
  const base = trackerPublicUrl.replace(/\/+$/, '');
  return deliveryId === undefined ? `${base}${path}` : `${base}${path}?deliveryId=${encodeURIComponent(deliveryId)}`;
}

/**
 * Twilio's connection overrides on a status callback URL
 * (https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides). Without them Twilio
 * retries a status callback once, and only when it could not connect; a status it gives up on
 * is lost (the tracker never learns the message was delivered). Five retries on any failure
 * (`rp=all`, one value, no list to get wrong) within Twilio's total time (`tt`, at most and by
 * default 15 s) bridge a tracker restart or a proxy's 502 of that length. Longer outages need a
 * lookup of the message's status afterwards: Twilio retries no longer than that.
 */
export const DEFAULT_TWILIO_CALLBACK_OVERRIDES = 'rc=5&rp=all';

/** A Twilio webhook URL with its connection overrides as a fragment: Twilio neither requests nor signs it. */
function withOverrides(webhookUrl: string, overrides: string): string {
  return overrides === '' ? webhookUrl : `${webhookUrl}#${overrides}`;
}

/** StatusCallback of an SMS, with Twilio's retry overrides (`''`: none). */
export function messageStatusCallbackUrl(trackerPublicUrl: string, deliveryId: string, overrides = DEFAULT_TWILIO_CALLBACK_OVERRIDES): string {
  return withOverrides(url(trackerPublicUrl, TRACKER_WEBHOOK_PATHS.twilioMessageStatus, deliveryId), overrides);
}

/** StatusCallback of a call, with Twilio's retry overrides (`''`: none). */
export function callStatusCallbackUrl(trackerPublicUrl: string, deliveryId: string, overrides = DEFAULT_TWILIO_CALLBACK_OVERRIDES): string {
  return withOverrides(url(trackerPublicUrl, TRACKER_WEBHOOK_PATHS.twilioCallStatus, deliveryId), overrides);
}

/** `Url` of a call: answers the TwiML to play once Twilio knows whether a person or a machine picked up. */
export function voiceAnswerUrl(trackerPublicUrl: string, deliveryId: string): string {
  return url(trackerPublicUrl, TRACKER_WEBHOOK_PATHS.twilioVoiceAnswer, deliveryId);
}

/** `action` of the call's `<Gather>` (renderVoice's gatherActionUrl). */
export function voiceGatherActionUrl(trackerPublicUrl: string, deliveryId: string): string {
  return url(trackerPublicUrl, TRACKER_WEBHOOK_PATHS.twilioVoiceGather, deliveryId);
}

/** "A message comes in" webhook of the sending number (configured once, in Twilio's console). */
export function inboundSmsWebhookUrl(trackerPublicUrl: string): string {
  return url(trackerPublicUrl, TRACKER_WEBHOOK_PATHS.twilioInboundSms);
}

/** The Event Webhook URL (configured once, in SendGrid's Mail Settings). */
export function sendGridEventWebhookUrl(trackerPublicUrl: string): string {
  return url(trackerPublicUrl, TRACKER_WEBHOOK_PATHS.sendGridEvents);
}
