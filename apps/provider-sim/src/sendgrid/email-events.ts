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
export function emailEventJson(message: EmailEventFields, name: EmailEventName, at: Date): EmailEventJson {
  return eventJson(message, name, Math.floor(at.getTime() / 1000));
}

function eventJson(message: EmailEventFields, name: EmailEventName, timestamp: number): EmailEventJson {
  const reserved = RESERVED[name];
  let customArgs = '';
  for (const key in message.customArgs) if (!reserved.has(key)) customArgs += `${JSON.stringify(key)}:${JSON.stringify(message.customArgs[key])},`;
  const sgMessageId = JSON.stringify(message.sgMessageId ?? message.id);
  const categories = message.categories ?? [];
  const category = categories.length === 0 ? '' : `,"category":${JSON.stringify(categories.length === 1 ? categories[0] : categories)}`;
  return (
    `{${customArgs}"email":${JSON.stringify(message.to)},"timestamp":${timestamp},"event":"${name}",` +
    `"smtp-id":"<${sgMessageId.slice(1, -1)}@ismtpd-sim>","sg_event_id":"${randomBase64Url16()}","sg_message_id":${sgMessageId}${category}${DETAILS_JSON[name]}}`
  );
}

/** What an event is written from: one recipient's message. */
export type EmailEventFields = Pick<SimMessage, 'id' | 'to' | 'customArgs' | 'categories' | 'sgMessageId'>;

/** The sg_message_id the simulator gives the `recipient`-th (from 1) address of request `messageId`. */
export function recipientMessageId(messageId: string, recipient: number): string {
  return `${messageId}.filterdrecv-sim-${recipient}-0.0`;
}

/**
 * What every event of one recipient is written from, kept once per recipient while any of its
 * events waits (ADR 0056): the request's id, address, custom args and categories, shared with its
 * message, and the recipient's number rather than its sg_message_id when that is the simulator's
 * own `recipientMessageId`. It does not hold the message, which may leave the inbox meanwhile.
 */
export class EmailEventSource implements EmailEventFields {
  readonly id: string;
  readonly to: string;
  readonly customArgs: Record<string, string> | undefined;
  readonly categories: string[] | undefined;
  /** The recipient's number when its sg_message_id is `recipientMessageId(id, number)`, else that id. */
  private readonly recipient: number | string | undefined;

  constructor(message: EmailEventFields) {
    this.id = message.id;
    this.to = message.to;
    this.customArgs = message.customArgs;
    this.categories = message.categories;
    this.recipient = recipientNumber(message);
  }

  get sgMessageId(): string | undefined {
    return typeof this.recipient === 'number' ? recipientMessageId(this.id, this.recipient) : this.recipient;
  }
}

function recipientNumber({ id, sgMessageId }: EmailEventFields): number | string | undefined {
  if (sgMessageId === undefined) return undefined;
  const prefix = `${id}.filterdrecv-sim-`;
  if (!sgMessageId.startsWith(prefix) || !sgMessageId.endsWith('-0.0')) return sgMessageId;
  const digits = sgMessageId.slice(prefix.length, -4);
  const recipient = Number(digits);
  return /^[1-9][0-9]{0,8}$/.test(digits) && recipientMessageId(id, recipient) === sgMessageId ? recipient : sgMessageId;
}

const EVENT_NAMES = Object.keys(EVENT_DETAILS) as EmailEventName[];
/** Each type's number in a stamp (its index in EVENT_NAMES), looked up once per type, not searched per event. */
const EVENT_INDEX = Object.fromEntries(EVENT_NAMES.map((name, i) => [name, i])) as Record<EmailEventName, number>;
const NAME_BITS = 8;
/** Taken events are cut off the front of the arrays once they are this many and half of them. */
const COMPACT_AFTER = 1024;

/**
 * E-mail events waiting to be posted, unwritten (ADR 0056): per event its recipient's
 * `EmailEventSource` and one number, the event's second and type (`seconds * 8 + type`, a
 * double the array holds unboxed): 16 bytes per event plus its recipient's source, shared by
 * that recipient's events. An event is written as its JSON only when its batch's POST goes out
 * (`body`), with a fresh sg_event_id, as SendGrid writes each event once.
 *
 * Events are taken from the front by moving a head, and the taken part is cut off only once it
 * outweighs the rest, so that taking a backlog in batches costs what it takes, not the backlog's
 * length per batch.
 */
export class PendingEmailEvents {
  private sources: EmailEventSource[] = [];
  private stamps: number[] = [];
  /** Events before this index were taken. */
  private head = 0;

  get length(): number {
    return this.sources.length - this.head;
  }

  push(source: EmailEventSource, name: EmailEventName, at: Date): void {
    this.sources.push(source);
    this.stamps.push(Math.floor(at.getTime() / 1000) * NAME_BITS + EVENT_INDEX[name]);
  }

  /** Moves every event of `other` to the end of this, in their order. */
  append(other: PendingEmailEvents): void {
    for (let i = other.head; i < other.sources.length; i += 1) {
      this.sources.push(other.sources[i]);
      this.stamps.push(other.stamps[i]);
    }
    other.sources = [];
    other.stamps = [];
    other.head = 0;
  }

  /** The first `count` events, taken out of this. */
  take(count: number): PendingEmailEvents {
    const taken = new PendingEmailEvents();
    const end = Math.min(this.sources.length, this.head + Math.max(0, count));
    taken.sources = this.sources.slice(this.head, end);
    taken.stamps = this.stamps.slice(this.head, end);
    this.head = end;
    if (this.head === this.sources.length) {
      this.sources = [];
      this.stamps = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.sources.length) {
      this.sources = this.sources.slice(this.head);
      this.stamps = this.stamps.slice(this.head);
      this.head = 0;
    }
    return taken;
  }

  /** The Event Webhook body of these events (`eventWebhookBody`), each written now. */
  body(): string {
    const events: EmailEventJson[] = new Array(this.length);
    for (let i = 0; i < events.length; i += 1) {
      const stamp = this.stamps[this.head + i];
      const type = stamp % NAME_BITS;
      events[i] = eventJson(this.sources[this.head + i], EVENT_NAMES[type], (stamp - type) / NAME_BITS);
    }
    return eventWebhookBody(events);
  }
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
