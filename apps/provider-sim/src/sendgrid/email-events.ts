import { SimMessage } from '../inbox/sim-message';
import { randomBase64Url16 } from '../random/random-ids';

export type EmailEventName = 'processed' | 'delivered' | 'deferred' | 'bounce' | 'dropped';

/**
 * One Event Webhook event as it is posted: a JSON object, SendGrid's fields plus every custom arg
 * at the top level, already written. An event waits for its batch's POST (a slow receiver can
 * leave many waiting) as this one flat string rather than as an object of a dozen properties:
 * about its JSON's length in memory, nothing for the GC to trace, and a batch's body is a join
 * (ADR 0049).
 */
export type EmailEventJson = string;

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

const SENDGRID_FIELDS = ['email', 'timestamp', 'event', 'smtp-id', 'sg_event_id', 'sg_message_id', 'category'];
/** Per event type, the names a custom arg may not take: the event's own fields win, as SendGrid's do. */
const RESERVED = perEvent((details) => new Set([...SENDGRID_FIELDS, ...Object.keys(details)]));
/** Each type's detail fields, written once: `,"response":"250 2.0.0 OK",…`. */
const DETAILS_JSON = perEvent(members);

/**
 * `name` for one recipient at `at`, written as SendGrid writes it. Custom args come first, and one
 * named like a SendGrid field (`event`, `email`…) is left out so that it cannot overwrite it.
 * `category` is a string for one category and an array for several, as SendGrid sends it.
 */
export function emailEventJson(message: Pick<SimMessage, 'id' | 'to' | 'customArgs' | 'categories' | 'sgMessageId'>, name: EmailEventName, at: Date): EmailEventJson {
  const reserved = RESERVED[name];
  let customArgs = '';
  for (const key in message.customArgs) if (!reserved.has(key)) customArgs += `${JSON.stringify(key)}:${JSON.stringify(message.customArgs[key])},`;
  const sgMessageId = JSON.stringify(message.sgMessageId ?? message.id);
  const categories = message.categories ?? [];
  const category = categories.length === 0 ? '' : `,"category":${JSON.stringify(categories.length === 1 ? categories[0] : categories)}`;
  return (
    `{${customArgs}"email":${JSON.stringify(message.to)},"timestamp":${Math.floor(at.getTime() / 1000)},"event":"${name}",` +
    `"smtp-id":"<${sgMessageId.slice(1, -1)}@ismtpd-sim>","sg_event_id":"${randomBase64Url16()}","sg_message_id":${sgMessageId}${category}${DETAILS_JSON[name]}}`
  );
}

/**
 * The body exactly as SendGrid writes it: a JSON array with each event on its own line, CRLF
 * separated, plus a final CRLF. A receiver that verifies a re-serialised body instead of the raw
 * bytes fails here as it would against SendGrid.
 */
export function eventWebhookBody(events: EmailEventJson[]): string {
  return `[${events.join(',\r\n')}]\r\n`;
}

function perEvent<T>(of: (details: Record<string, string | number>) => T): Record<EmailEventName, T> {
  const names = Object.keys(EVENT_DETAILS) as EmailEventName[];
  return Object.fromEntries(names.map((name) => [name, of(EVENT_DETAILS[name])])) as Record<EmailEventName, T>;
}

function members(fields: Record<string, string | number>): string {
  return Object.entries(fields)
    .map(([key, value]) => `,${JSON.stringify(key)}:${JSON.stringify(value)}`)
    .join('');
}
