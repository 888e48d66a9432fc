import { SimMessage } from '../inbox/sim-message';
import { randomBase64Url16 } from '../random/random-ids';

export type EmailEventName = 'processed' | 'delivered' | 'deferred' | 'bounce' | 'dropped';

/** One Event Webhook event: SendGrid's fields, plus every custom arg at the top level. */
export type EmailEvent = Record<string, string | number | string[]>;

/** Fields per event type (providers.md §7); a bounced recipient is a hard, invalid-address bounce. */
const EVENT_DETAILS: Record<EmailEventName, Record<string, string | number>> = {
  processed: {},
  delivered: { response: '250 2.0.0 OK', tls: 1, ip: '192.0.2.25' },
  deferred: { response: '421 4.7.0 Try again later', attempt: '1', ip: '192.0.2.25' },
  bounce: {
    type: 'bounce',
    status: '5.1.1',
    reason: '550 5.1.1 The email account that you tried to reach does not exist.',
    bounce_classification: 'Invalid Address',
    ip: '192.0.2.25',
  },
  dropped: { reason: 'Bounced Address', status: '5.0.0' },
};

/**
 * Custom args come first so that one named like a SendGrid field (`event`, `email`…) cannot
 * overwrite it. `category` is a string for one category and an array for several, as SendGrid
 * sends it.
 */
export function emailEvent(message: Pick<SimMessage, 'id' | 'to' | 'customArgs' | 'categories' | 'sgMessageId'>, name: EmailEventName, at: Date): EmailEvent {
  const categories = message.categories ?? [];
  return {
    ...message.customArgs,
    email: message.to,
    timestamp: Math.floor(at.getTime() / 1000),
    event: name,
    'smtp-id': `<${message.sgMessageId ?? message.id}@ismtpd-sim>`,
    sg_event_id: randomBase64Url16(),
    sg_message_id: message.sgMessageId ?? message.id,
    ...(categories.length === 1 ? { category: categories[0] } : categories.length > 1 ? { category: categories } : {}),
    ...EVENT_DETAILS[name],
  };
}

/**
 * The body exactly as SendGrid writes it: a JSON array with each event on its own line, CRLF
 * separated, plus a final CRLF. A receiver that verifies a re-serialised body instead of the raw
 * bytes fails here as it would against SendGrid.
 */
export function eventWebhookBody(events: EmailEvent[]): string {
  return `[${events.map((event) => JSON.stringify(event)).join(',\r\n')}]\r\n`;
}
