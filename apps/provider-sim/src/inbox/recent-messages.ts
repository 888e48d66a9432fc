import { asReceived } from '../sendgrid/substitutions';
import { SIM_CHANNELS, SimChannel, SimMessage, StoredMessage } from './sim-message';
import { TwilioChannel, TwilioRecords } from './twilio-records';

export interface Retention {
  /**
   * Messages kept per channel, accepted and refused together; the oldest goes first. Twilio's
   * list and fetch resources do not depend on it: they read every message's and call's record.
   */
  messagesPerChannel: number;
  /** Of those, the most an inbox shows for one number or address. */
  messagesPerAddress: number;
}

export interface ListOptions {
  /** Also show requests the simulated provider refused synchronously (they carry `rejectedWith`). */
  includeRejected?: boolean;
}

/** A message before the store numbers it. */
export type NewMessage = Omit<StoredMessage, 'seq'>;

/**
 * Arrival order with the oldest dropped in amortised constant time: a plain array read from
 * `head`, compacted once the dropped part outweighs the rest.
 */
export class Queue<T> {
  private items: Array<T | undefined> = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Oldest first. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.head; i < this.items.length; i += 1) yield this.items[i] as T;
  }

  /** The item whose `key` is `target`, the items being in ascending `key` order (as arrival numbers are): a binary search. */
  find(key: (item: T) => number, target: number): T | undefined {
    let low = this.head;
    let high = this.items.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const item = this.items[middle] as T;
      const found = key(item);
      if (found === target) return item;
      if (found < target) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }

  /** Newest first, as long as `visit` returns true. */
  fromNewest(visit: (item: T) => boolean): void {
    for (let i = this.items.length - 1; i >= this.head; i -= 1) if (!visit(this.items[i] as T)) return;
  }
}

/**
 * What the simulated providers received, kept as a person or a test reads it back, within a
 * bound: the latest `messagesPerChannel` of each channel and, indexed by recipient, the latest
 * `messagesPerAddress` of those per number or address. What leaves the channel's window leaves
 * the inbox too. How many were accepted is counted separately and covers every message, so the
 * phones page's totals stay right when its list no longer holds everything.
 *
 * Memory is therefore bounded by the retention, not by the audience: a 1,000,000-member alert
 * costs what its last few thousand messages cost, plus a compact record (TwilioRecords, ~76
 * bytes) of each SMS and call, which Twilio's list and fetch resources read as Twilio keeps
 * them for months: an in-doubt lookup (ADR 0038) or a reconciliation (ADR 0039) minutes later
 * must find what was sent. Reads build the public view (e-mail substitutions applied, statuses
 * as objects) only for what they return.
 */
export class RecentMessages {
  private byChannel = freshChannels();
  private byAddress = new Map<string, StoredMessage[]>();
  /** Twilio's messages and calls by sid, for a fetch of one (e-mail ids are shared by a request's recipients). */
  private bySid = new Map<string, StoredMessage>();
  private records = freshRecords();
  private accepted = freshCounts();
  private seq = 0;

  constructor(private readonly retention: () => Retention) {}

  record(message: NewMessage): StoredMessage {
    const stored = message as StoredMessage;
    this.seq += 1;
    stored.seq = this.seq;
    if (stored.rejectedWith === undefined) this.accepted[stored.channel] += 1;
    const { messagesPerChannel, messagesPerAddress } = this.retention();
    const channel = this.byChannel[stored.channel];
    channel.push(stored);
    if (stored.channel !== 'email' && stored.rejectedWith === undefined) {
      this.bySid.set(stored.id, stored);
      this.records[stored.channel].add(stored);
    }
    while (channel.length > messagesPerChannel) this.forget(channel.shift()!);
    const key = stored.to.toLowerCase();
    const window = this.byAddress.get(key);
    if (window === undefined) {
      this.byAddress.set(key, [stored]);
    } else {
      window.push(stored);
      if (window.length > messagesPerAddress) window.splice(0, window.length - messagesPerAddress);
    }
    return stored;
  }

  /** One number or address, oldest first. Addresses compare case-insensitively (e-mail domains are). */
  inbox(to: string, options: ListOptions = {}): SimMessage[] {
    return this.window(to, options).map(toSimMessage);
  }

  /** The retained messages of one channel, or of all three in arrival order, oldest first. */
  list(channel?: SimChannel, options: ListOptions = {}): SimMessage[] {
    const channels = channel ? [channel] : SIM_CHANNELS;
    const kept = channels.flatMap((c) => [...this.byChannel[c]].filter((m) => visible(m, options)));
    if (!channel) kept.sort((a, b) => a.seq - b.seq);
    return kept.map(toSimMessage);
  }

  /**
   * The latest `limit` retained messages of a channel, newest first, optionally only those to
   * one number. Stored form, for callers that build their own view.
   */
  latest(channel: SimChannel, limit: number, to?: string): StoredMessage[] {
    if (to !== undefined) {
      return this.window(to, {})
        .filter((m) => m.channel === channel && m.to === to)
        .reverse()
        .slice(0, limit);
    }
    const found: StoredMessage[] = [];
    this.byChannel[channel].fromNewest((m) => {
      if (m.rejectedWith === undefined) found.push(m);
      return found.length < limit;
    });
    return found;
  }

  /** One retained e-mail as its recipient received it, by its sg_message_id; undefined once it left the window. */
  email(sgMessageId: string): SimMessage | undefined {
    let found: StoredMessage | undefined;
    this.byChannel.email.fromNewest((m) => {
      if (m.sgMessageId === sgMessageId) found = m;
      return found === undefined;
    });
    return found && toSimMessage(found);
  }

  /**
   * A status an accepted e-mail of request `id` reached, by its arrival number (`seq`): on the
   * message while the inbox retains it, else nowhere, as nothing reads an e-mail that left the
   * window. What a pending recipient keeps instead of its message (ADR 0066).
   */
  emailReached(seq: number, id: string, status: string, at: Date, final: boolean): void {
    const retained = this.byChannel.email.find(arrival, seq);
    if (retained === undefined || retained.id !== id) return;
    recordReached(retained, status, at, undefined, final);
  }

  /**
   * One SMS or call by its sid, whether retained or not (Twilio's fetch of one resource): after
   * it left the window, its record, whose statuses pushed later are kept.
   */
  twilioResource(channel: TwilioChannel, sid: string): StoredMessage | undefined {
    const found = this.bySid.get(sid);
    if (found !== undefined) return found.channel === channel ? found : undefined;
    const record = this.records[channel].find(sid);
    return record < 0 ? undefined : this.records[channel].message(record);
  }

  /** The record number of an accepted SMS or call (TwilioRecords), or -1: what its pending callbacks keep instead of the message. */
  twilioRecord(channel: TwilioChannel, sid: string): number {
    return this.records[channel].find(sid);
  }

  /** The sid, numbers and account of a record, as its status callbacks name them. */
  twilioCallbackFields(channel: TwilioChannel, record: number): { id: string; to: string; from: string; accountSid: string } {
    return this.records[channel].callbackFields(record);
  }

  /**
   * A status an accepted SMS or call reached, by its record number: on the message while it is
   * retained (its history follows into the record), else on its record alone. `final`: the
   * message's outcome, with its error code if any.
   */
  twilioReached(channel: TwilioChannel, record: number, status: string, at: Date, errorCode: number | undefined, final: boolean): void {
    const retained = this.twilioRetained(channel, record);
    if (retained === undefined) {
      this.records[channel].reached(record, status, at, errorCode);
      return;
    }
    recordReached(retained, status, at, errorCode, final);
  }

  /** The SMS or call of a record while the inbox retains it, else undefined: what a pending call writes its answer, digits and TwiML on (ADR 0068). */
  twilioRetained(channel: TwilioChannel, record: number): StoredMessage | undefined {
    return this.bySid.size === 0 ? undefined : this.bySid.get(this.records[channel].sid(record));
  }

  /**
   * A status a call reached, by its record number, with who answered and (when `final`) how long
   * it lasted: on the call while it is retained, else on its record, which keeps both (ADR 0068).
   */
  twilioCallReached(record: number, status: string, at: Date, final: boolean, answeredBy: string | undefined, durationSeconds: number | undefined): void {
    const records = this.records.voice;
    const retained = this.twilioRetained('voice', record);
    if (retained === undefined) {
      records.reached(record, status, at, undefined);
      records.noteCall(record, { answeredBy, durationSeconds });
      return;
    }
    recordReached(retained, status, at, undefined, final);
    if (final) retained.durationSeconds = durationSeconds;
  }

  /** The latest `limit` SMS or calls of every one accepted, newest first, optionally only those to one number: Twilio's list resources. */
  twilioResources(channel: TwilioChannel, limit: number, to?: string): StoredMessage[] {
    const records = this.records[channel];
    return records.latest(limit, to).map((i) => this.bySid.get(records.sid(i)) ?? records.message(i));
  }

  /** How many messages a channel accepted since the last clear, including those no longer kept. */
  count(channel: SimChannel): number {
    return this.accepted[channel];
  }

  /** The latest `limit` accepted messages of every channel, newest first, and how many were accepted in all. */
  recent(limit: number): { total: number; messages: SimMessage[] } {
    const newest = SIM_CHANNELS.flatMap((channel) => this.latest(channel, limit));
    newest.sort((a, b) => b.seq - a.seq);
    const total = SIM_CHANNELS.reduce((sum, channel) => sum + this.accepted[channel], 0);
    return { total, messages: newest.slice(0, limit).map(toSimMessage) };
  }

  clear(): void {
    this.byChannel = freshChannels();
    this.byAddress = new Map();
    this.bySid = new Map();
    this.records = freshRecords();
    this.accepted = freshCounts();
    this.seq = 0;
  }

  private window(to: string, options: ListOptions): StoredMessage[] {
    const window = this.byAddress.get(to.toLowerCase()) ?? [];
    const { messagesPerAddress } = this.retention();
    return window.slice(-messagesPerAddress).filter((m) => visible(m, options));
  }

  /** Out of its channel's window, so out of its recipient's too. */
  private forget(message: StoredMessage): void {
    if (this.bySid.get(message.id) === message) {
      this.bySid.delete(message.id);
      // A call's answer and duration are not statuses: what it has by now stays on its record.
      if (message.channel === 'voice') this.records.voice.noteCall(this.records.voice.find(message.id), message);
    }
    const key = message.to.toLowerCase();
    const window = this.byAddress.get(key);
    if (window === undefined) return;
    const at = window.indexOf(message);
    if (at >= 0) window.splice(at, 1);
    if (window.length === 0) this.byAddress.delete(key);
  }
}

/** The public view: e-mail as its recipient received it, statuses as objects, no bookkeeping. */
export function toSimMessage(stored: StoredMessage): SimMessage {
  const { seq: _seq, statuses, ...message } = stored;
  return asReceived(statuses === undefined ? message : { ...message, statuses: statuses.toJSON() });
}

/** A status a retained message reached: appended to its history and, when `final`, its outcome with the error code if any. */
function recordReached(message: StoredMessage, status: string, at: Date, errorCode: number | undefined, final: boolean): void {
  message.statuses?.push(status, at, errorCode);
  if (final) {
    message.outcome = status;
    if (errorCode !== undefined) message.errorCode = errorCode;
  }
}

function arrival(message: StoredMessage): number {
  return message.seq;
}

function visible(message: StoredMessage, { includeRejected = false }: ListOptions): boolean {
  return includeRejected || message.rejectedWith === undefined;
}

function freshChannels(): Record<SimChannel, Queue<StoredMessage>> {
  return { sms: new Queue(), voice: new Queue(), email: new Queue() };
}

function freshCounts(): Record<SimChannel, number> {
  return { sms: 0, voice: 0, email: 0 };
}

function freshRecords(): Record<TwilioChannel, TwilioRecords> {
  return { sms: new TwilioRecords('sms'), voice: new TwilioRecords('voice') };
}
