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
  return `{${customArgs}"email":${JSON.stringify(message.to)}${eventRest(message.sgMessageId ?? message.id, categoryJson(message.categories), name, timestamp)}`;
}

/** What follows a recipient's custom args and address: `,"timestamp":…}`, with a fresh sg_event_id. */
function eventRest(sgMessageId: string, category: string, name: EmailEventName, timestamp: number): string {
  const id = JSON.stringify(sgMessageId);
  return (
    `,"timestamp":${timestamp},"event":"${name}",` +
    `"smtp-id":"<${id.slice(1, -1)}@ismtpd-sim>","sg_event_id":"${randomBase64Url16()}","sg_message_id":${id}${category}${DETAILS_JSON[name]}}`
  );
}

function categoryJson(categories: string[] | undefined): string {
  if (categories === undefined || categories.length === 0) return '';
  return `,"category":${JSON.stringify(categories.length === 1 ? categories[0] : categories)}`;
}

/** What an event is written from: one recipient's message. */
export type EmailEventFields = Pick<SimMessage, 'id' | 'to' | 'customArgs' | 'categories' | 'sgMessageId'>;

/** The sg_message_id the simulator gives the `recipient`-th (from 1) address of request `messageId`. */
export function recipientMessageId(messageId: string, recipient: number): string {
  return `${messageId}.filterdrecv-sim-${recipient}-0.0`;
}

/** Every name a custom arg may not take in some event type: a recipient with one is written from its fields. */
const RESERVED_IN_ANY = new Set(Object.values(RESERVED).flatMap((names) => [...names]));
/** Recipients one request may have in a pending event's number (SendGrid allows 1,000). */
const RECIPIENT_SLOTS = 2 ** 17;

/**
 * What every event of one request's recipients is written from, kept once per request while any
 * of its events waits (ADR 0066): the request's id and categories, the names of its custom args
 * written once (`frame`, ADR 0054), and one flat string holding each recipient's custom arg values
 * and address already written (`"6f1c…""member1@…"`), cut at `ends`. A recipient is its number in
 * the request: its sg_message_id is the simulator's own `recipientMessageId(id, number + 1)`.
 * About its values' length plus 4 bytes per value, where a source per recipient (ADR 0056) held
 * an object, its address, and a custom args object with its own strings. It holds no message,
 * which may leave the inbox meanwhile.
 *
 * A recipient whose event cannot be cut from that string (a custom arg named like a field some
 * event has, other custom args than the request's first recipient's, another request's id or
 * categories, an sg_message_id of its own) keeps its fields instead and is written by
 * `emailEventJson`, as before.
 */
export class EmailRecipients {
  readonly size: number;
  private readonly category: string;
  /**
   * What every recipient's part has around its values, written once (ADR 0054): before each
   * custom arg's value its name (`"delivery_id":`), then `,"email":`. A request's recipients
   * carry the same custom args (the dispatcher's delivery_id), so only their values differ.
   */
  private readonly frame: string[];
  /** Every recipient's values written (`"6f1c…"` then `"member1@…"`), one after the other. */
  private readonly written: string;
  /** Where each value ends in `written`: `frame.length` per recipient. */
  private readonly ends: Uint32Array;
  private readonly own: Map<number, EmailEventFields> | undefined;

  constructor(
    readonly messageId: string,
    recipients: readonly EmailEventFields[],
  ) {
    if (recipients.length > RECIPIENT_SLOTS) throw new RangeError(`at most ${RECIPIENT_SLOTS} recipients per request, got ${recipients.length}`);
    this.size = recipients.length;
    const categories = recipients[0]?.categories;
    this.category = categoryJson(categories);
    const shared = (i: number) => this.sharesShape(recipients[i], i, categories);
    let first = 0;
    while (first < recipients.length && !shared(first)) first += 1;
    const names: string[] = [];
    for (const key in recipients[first]?.customArgs) names.push(key);
    this.frame = [...names, 'email'].map((name, k) => `${k > 0 ? ',' : ''}${JSON.stringify(name)}:`);
    const width = this.frame.length;
    const values: string[] = [];
    this.ends = new Uint32Array(recipients.length * width);
    let own: Map<number, EmailEventFields> | undefined;
    let end = 0;
    for (let i = 0; i < recipients.length; i += 1) {
      const recipient = recipients[i];
      if (shared(i) && sameNames(recipient.customArgs, names)) {
        for (let k = 0; k < width; k += 1) {
          const value = k < names.length ? `${JSON.stringify(recipient.customArgs?.[names[k]])}` : JSON.stringify(recipient.to);
          values.push(value);
          end += value.length;
          this.ends[i * width + k] = end;
        }
      } else {
        const { id, to, customArgs, categories: itsCategories, sgMessageId } = recipient;
        own ??= new Map();
        own.set(i, { id, to, customArgs, categories: itsCategories, sgMessageId });
        this.ends.fill(end, i * width, (i + 1) * width);
      }
    }
    // One flat string (a join is one), not a tree of the recipients' own strings.
    this.written = values.join('');
    this.own = own;
  }

  /** `name` for recipient `recipient` (from 0) at `timestamp` (epoch seconds), as `emailEventJson` writes it. */
  write(recipient: number, name: EmailEventName, timestamp: number): EmailEventJson {
    const own = this.own?.get(recipient);
    if (own !== undefined) return eventJson(own, name, timestamp);
    const width = this.frame.length;
    let at = recipient === 0 ? 0 : this.ends[recipient * width - 1];
    let part = '';
    for (let k = 0; k < width; k += 1) {
      const end = this.ends[recipient * width + k];
      part += this.frame[k] + this.written.slice(at, end);
      at = end;
    }
    return `{${part}${eventRest(recipientMessageId(this.messageId, recipient + 1), this.category, name, timestamp)}`;
  }

  private sharesShape(recipient: EmailEventFields, i: number, categories: string[] | undefined): boolean {
    if (recipient.id !== this.messageId || (recipient.sgMessageId ?? recipient.id) !== recipientMessageId(this.messageId, i + 1)) return false;
    if (recipient.categories !== categories && categoryJson(recipient.categories) !== this.category) return false;
    for (const key in recipient.customArgs) if (RESERVED_IN_ANY.has(key)) return false;
    return true;
  }
}

/** Whether `customArgs` has exactly `names`, in that order. */
function sameNames(customArgs: Record<string, string> | undefined, names: readonly string[]): boolean {
  let k = 0;
  for (const key in customArgs) {
    if (names[k] !== key) return false;
    k += 1;
  }
  return k === names.length;
}

const EVENT_NAMES = Object.keys(EVENT_DETAILS) as EmailEventName[];
/** Each type's number in a stamp (its index in EVENT_NAMES), looked up once per type, not searched per event. */
const EVENT_INDEX = Object.fromEntries(EVENT_NAMES.map((name, i) => [name, i])) as Record<EmailEventName, number>;
const NAME_BITS = 8;
/** Taken events are cut off the front of the arrays once they are this many and half of them. */
const COMPACT_AFTER = 1024;

/**
 * E-mail events waiting to be posted, unwritten (ADR 0056, 0066): per event one number, the
 * event's second, recipient and type (`(seconds * 2^17 + recipient) * 8 + type`, below 2^53 until
 * 2100, a double the array holds unboxed), and per run of consecutive events of one request its
 * `EmailRecipients` (a request's step pushes all its recipients' events together, ADR 0054): 8
 * bytes per event plus its request's recipients, shared by all their events. An event is written
 * as its JSON only when its batch's POST goes out (`body`), with a fresh sg_event_id, as SendGrid
 * writes each event once.
 *
 * Events are taken from the front by moving a head, and the taken part is cut off only once it
 * outweighs the rest, so that taking a backlog in batches costs what it takes, not the backlog's
 * length per batch.
 */
export class PendingEmailEvents {
  private stamps: number[] = [];
  /** Runs of consecutive events of one request: its recipients, and the index after its last event in `stamps`. */
  private runSources: EmailRecipients[] = [];
  private runEnds: number[] = [];
  /** Events before this index were taken, and every run before `runHead` with them. */
  private head = 0;
  private runHead = 0;

  get length(): number {
    return this.stamps.length - this.head;
  }

  /** `name` of recipient `recipient` (from 0) of `recipients`, reached at `at`. */
  push(recipients: EmailRecipients, recipient: number, name: EmailEventName, at: Date): void {
    this.pushStamp(recipients, (Math.floor(at.getTime() / 1000) * RECIPIENT_SLOTS + recipient) * NAME_BITS + EVENT_INDEX[name]);
  }

  /** Moves every event of `other` to the end of this, in their order. */
  append(other: PendingEmailEvents): void {
    let run = other.runHead;
    for (let i = other.head; i < other.stamps.length; i += 1) {
      while (other.runEnds[run] <= i) run += 1;
      this.pushStamp(other.runSources[run], other.stamps[i]);
    }
    other.stamps = [];
    other.runSources = [];
    other.runEnds = [];
    other.head = 0;
    other.runHead = 0;
  }

  /** The first `count` events, taken out of this. */
  take(count: number): PendingEmailEvents {
    const taken = new PendingEmailEvents();
    const end = Math.min(this.stamps.length, this.head + Math.max(0, count));
    taken.stamps = this.stamps.slice(this.head, end);
    for (let run = this.runHead, from = this.head; from < end; run += 1) {
      from = Math.min(this.runEnds[run], end);
      taken.runSources.push(this.runSources[run]);
      taken.runEnds.push(from - this.head);
    }
    this.head = end;
    while (this.runHead < this.runEnds.length && this.runEnds[this.runHead] <= end) this.runHead += 1;
    if (this.head === this.stamps.length) {
      this.stamps = [];
      this.runSources = [];
      this.runEnds = [];
      this.head = 0;
      this.runHead = 0;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.stamps.length) {
      const cut = this.head;
      this.stamps = this.stamps.slice(cut);
      this.runSources = this.runSources.slice(this.runHead);
      this.runEnds = this.runEnds.slice(this.runHead).map((runEnd) => runEnd - cut);
      this.head = 0;
      this.runHead = 0;
    }
    return taken;
  }

  /** The Event Webhook body of these events (`eventWebhookBody`), each written now. */
  body(): string {
    const events: EmailEventJson[] = new Array(this.length);
    let run = this.runHead;
    for (let i = 0; i < events.length; i += 1) {
      const at = this.head + i;
      while (this.runEnds[run] <= at) run += 1;
      const stamp = this.stamps[at];
      const type = stamp % NAME_BITS;
      const rest = (stamp - type) / NAME_BITS;
      const recipient = rest % RECIPIENT_SLOTS;
      events[i] = this.runSources[run].write(recipient, EVENT_NAMES[type], (rest - recipient) / RECIPIENT_SLOTS);
    }
    return eventWebhookBody(events);
  }

  private pushStamp(recipients: EmailRecipients, stamp: number): void {
    const last = this.runSources.length - 1;
    if (last >= this.runHead && this.runSources[last] === recipients) this.runEnds[last] += 1;
    else {
      this.runSources.push(recipients);
      this.runEnds.push(this.stamps.length + 1);
    }
    this.stamps.push(stamp);
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
