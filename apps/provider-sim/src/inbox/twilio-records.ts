import { SimChannel, StoredMessage } from './sim-message';
import { StatusHistory, statusIndex, statusName } from './status-history';

/** The Twilio channels: their resources are listed and fetched by sid. */
export type TwilioChannel = Extract<SimChannel, 'sms' | 'voice'>;

/**
 * Final statuses: a later `sent` of an out-of-order SMS does not replace them, as the current
 * status Twilio shows does not go back.
 */
const FINAL = new Set(['delivered', 'undelivered', 'failed', 'completed', 'busy', 'no-answer', 'canceled'].map(statusIndex));

const NONE = 0;

/**
 * Every message or call of one Twilio channel the simulator accepted since the last clear, as
 * Twilio keeps them for months: what the in-doubt lookup lists by To (ADR 0038) and the tracker's
 * reconciliation fetches by sid (ADR 0039), long after the full message left the retention
 * window. A run's whole audience passes through here, so each record is a row of typed-array
 * columns, not an object: the sid as four 32-bit words, the To as the number its digits spell,
 * times in seconds (Twilio's dates have no more), status and error code as numbers, and sender,
 * account, body, machine detection and answered-by as indexes into interned strings (an alert's
 * text repeats for everyone it goes to). Two open-addressing tables of record numbers find a
 * record by sid and the newest one per To; each record points to the previous one to the same
 * To, so a listing reads newest first and stops at its page size.
 *
 * Measured at ~76 bytes per record (docs/benchmarks.md): 1,000,000 SMS cost ~76 MB.
 */
export class TwilioRecords {
  private count = 0;
  private capacity = 0;
  private sidWords = new Uint32Array(0);
  private toCode = new Float64Array(0);
  /** The previous record to the same To, or -1. */
  private previousToSame = new Int32Array(0);
  private createdSecond = new Uint32Array(0);
  private updatedSecond = new Uint32Array(0);
  private status = new Uint8Array(0);
  private errorCode = new Uint32Array(0);
  private segments = new Uint8Array(0);
  private duration = new Int32Array(0);
  private from = new Uint16Array(0);
  private account = new Uint16Array(0);
  private body = new Uint32Array(0);
  private machineDetection = new Uint16Array(0);
  private answeredBy = new Uint16Array(0);
  private readonly bySid = new RecordTable((i) => this.sidWords[i * 4]);
  private readonly newestByTo = new RecordTable((i) => hashCode(this.toCode[i]));
  /** Sids not in the simulator's own form (tests make up short ones): few, kept as they are. */
  private readonly otherSids = new Map<string, number>();
  private readonly sidOfOther = new Map<number, string>();
  private readonly otherTos = new Interned();
  private readonly texts = new Interned();
  private readonly bodies = new Interned();

  constructor(private readonly channel: TwilioChannel) {}

  /** Keeps an accepted message or call, and returns its record number; its statuses from now on are kept here too. */
  add(message: StoredMessage): number {
    const i = this.count;
    if (i === this.capacity) this.grow();
    this.count += 1;
    if (readSid(message.id, this.sidWords, i * 4)) {
      this.bySid.put(this.sidWords[i * 4], (j) => this.sameSid(i, j), i);
    } else {
      this.otherSids.set(message.id, i);
      this.sidOfOther.set(i, message.id);
    }
    const to = e164Code(message.to) || -this.otherTos.id(message.to);
    this.toCode[i] = to;
    this.previousToSame[i] = this.newestByTo.put(hashCode(to), (j) => this.toCode[j] === to, i);
    this.createdSecond[i] = this.updatedSecond[i] = Math.floor(Date.parse(message.receivedAt) / 1000);
    this.status[i] = statusIndex('queued');
    this.segments[i] = message.segments ?? 1;
    this.duration[i] = -1;
    this.from[i] = this.texts.id(message.from);
    this.account[i] = message.accountSid === undefined ? NONE : this.texts.id(message.accountSid);
    this.body[i] = message.body === undefined ? NONE : this.bodies.id(message.body);
    this.machineDetection[i] = message.machineDetection === undefined ? NONE : this.texts.id(message.machineDetection);
    message.statuses?.follow((status, at, code) => {
      this.reached(i, status, at, code);
      this.noteCall(i, message);
    });
    return i;
  }

  /** Who answered and for how long, as the call has them when it leaves the retention window. */
  noteCall(i: number, call: Pick<StoredMessage, 'answeredBy' | 'durationSeconds'>): void {
    if (call.answeredBy !== undefined) this.answeredBy[i] = this.texts.id(call.answeredBy);
    if (call.durationSeconds !== undefined) this.duration[i] = call.durationSeconds;
  }

  /** The record number of a sid, or -1. */
  find(sid: string): number {
    const words = new Uint32Array(4);
    if (!readSid(sid, words, 0)) return this.otherSids.get(sid) ?? -1;
    return this.bySid.find(words[0], (j) => words.every((word, w) => this.sidWords[j * 4 + w] === word));
  }

  /** The latest `limit` records, newest first, all or only those to one number. */
  latest(limit: number, to?: string): number[] {
    const found: number[] = [];
    if (to === undefined) {
      for (let i = this.count - 1; i >= 0 && found.length < limit; i -= 1) found.push(i);
      return found;
    }
    const code = e164Code(to) || -this.otherTos.known(to);
    if (code === 0) return found;
    for (let i = this.newestByTo.find(hashCode(code), (j) => this.toCode[j] === code); i >= 0 && found.length < limit; i = this.previousToSame[i]) found.push(i);
    return found;
  }

  sid(i: number): string {
    const other = this.sidOfOther.get(i);
    if (other !== undefined) return other;
    let sid = this.channel === 'sms' ? 'SM' : 'CA';
    for (let w = 0; w < 4; w += 1) sid += this.sidWords[i * 4 + w].toString(16).padStart(8, '0');
    return sid;
  }

  /**
   * What a status callback names of a record: its sid, numbers and account, read from the record,
   * so that work waiting on a message (its callbacks still to come) keeps the record number only.
   */
  callbackFields(i: number): { id: string; to: string; from: string; accountSid: string } {
    return { id: this.sid(i), to: this.to(i), from: this.texts.text(this.from[i]), accountSid: this.account[i] === NONE ? '' : this.texts.text(this.account[i]) };
  }

  /**
   * A record in the stored form the list and fetch resources read. Statuses pushed on its
   * history are kept here: an SMS's later statuses reach its record after the message left
   * the retention window.
   */
  message(i: number): StoredMessage {
    const statuses = new StatusHistory();
    statuses.push(statusName(this.status[i]), new Date(this.updatedSecond[i] * 1000), this.errorCode[i] || undefined);
    statuses.follow((status, at, errorCode) => this.reached(i, status, at, errorCode));
    return {
      seq: 0,
      id: this.sid(i),
      channel: this.channel,
      to: this.to(i),
      from: this.texts.text(this.from[i]),
      accountSid: this.account[i] === NONE ? undefined : this.texts.text(this.account[i]),
      receivedAt: new Date(this.createdSecond[i] * 1000).toISOString(),
      body: this.body[i] === NONE ? undefined : this.bodies.text(this.body[i]),
      segments: this.segments[i],
      machineDetection: this.machineDetection[i] === NONE ? undefined : this.texts.text(this.machineDetection[i]),
      answeredBy: this.answeredBy[i] === NONE ? undefined : this.texts.text(this.answeredBy[i]),
      durationSeconds: this.duration[i] < 0 ? undefined : this.duration[i],
      errorCode: this.errorCode[i] || undefined,
      outcome: FINAL.has(this.status[i]) ? statusName(this.status[i]) : undefined,
      statuses,
    };
  }

  /** A status the record's message reached, told to the record alone (the message is no longer retained). */
  reached(i: number, status: string, at: Date, errorCode: number | undefined): void {
    this.updatedSecond[i] = Math.floor(at.getTime() / 1000);
    if (!FINAL.has(this.status[i])) this.status[i] = statusIndex(status);
    if (errorCode !== undefined) this.errorCode[i] = errorCode;
  }

  private to(i: number): string {
    const code = this.toCode[i];
    return code > 0 ? `+${code}` : this.otherTos.text(-code);
  }

  private sameSid(i: number, j: number): boolean {
    for (let w = 0; w < 4; w += 1) if (this.sidWords[i * 4 + w] !== this.sidWords[j * 4 + w]) return false;
    return true;
  }

  /** By half again: at a million records, doubling would leave up to a million rows unused. */
  private grow(): void {
    const n = Math.max(1024, Math.ceil(this.capacity * 1.5));
    this.capacity = n;
    this.sidWords = grown(this.sidWords, new Uint32Array(n * 4));
    this.toCode = grown(this.toCode, new Float64Array(n));
    this.previousToSame = grown(this.previousToSame, new Int32Array(n));
    this.createdSecond = grown(this.createdSecond, new Uint32Array(n));
    this.updatedSecond = grown(this.updatedSecond, new Uint32Array(n));
    this.status = grown(this.status, new Uint8Array(n));
    this.errorCode = grown(this.errorCode, new Uint32Array(n));
    this.segments = grown(this.segments, new Uint8Array(n));
    this.duration = grown(this.duration, new Int32Array(n));
    this.from = grown(this.from, new Uint16Array(n));
    this.account = grown(this.account, new Uint16Array(n));
    this.body = grown(this.body, new Uint32Array(n));
    this.machineDetection = grown(this.machineDetection, new Uint16Array(n));
    this.answeredBy = grown(this.answeredBy, new Uint16Array(n));
  }
}

/** Hex digit values by character code, -1 for anything else (sids are lowercase hex). */
const HEX = new Int8Array(128).fill(-1);
for (let d = 0; d < 16; d += 1) HEX['0123456789abcdef'.charCodeAt(d)] = d;

/**
 * A sid as this simulator makes them (twilioSid: SM or CA and 32 lowercase hex digits) read into
 * four 32-bit words at `into[at…]`; false for any other form. A loop over the characters: a
 * regular expression and parseInt cost several times more, on every message.
 */
function readSid(sid: string, into: Uint32Array, at: number): boolean {
  if (sid.length !== 34 || !(sid.startsWith('SM') || sid.startsWith('CA'))) return false;
  for (let w = 0; w < 4; w += 1) {
    let word = 0;
    for (let k = 2 + w * 8; k < 10 + w * 8; k += 1) {
      const c = sid.charCodeAt(k);
      const digit = c < 128 ? HEX[c] : -1;
      if (digit < 0) return false;
      word = word * 16 + digit;
    }
    into[at + w] = word;
  }
  return true;
}

/** An E.164 number as the number its digits spell (at most 15, no leading zero: exact in a double), or 0. */
function e164Code(to: string): number {
  if (to.length < 2 || to.length > 16 || to.charCodeAt(0) !== 43 /* + */ || to.charCodeAt(1) === 48 /* 0 */) return 0;
  let code = 0;
  for (let k = 1; k < to.length; k += 1) {
    const digit = to.charCodeAt(k) - 48;
    if (digit < 0 || digit > 9) return 0;
    code = code * 10 + digit;
  }
  return code;
}

function grown<T extends Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array>(old: T, into: T): T {
  into.set(old as never);
  return into;
}

/** A To's code (a number of up to 15 digits, or minus an interned id) mixed into 32 bits. */
function hashCode(code: number): number {
  const low = (code % 0x1_0000_0000) | 0;
  const high = Math.floor(code / 0x1_0000_0000) | 0;
  return Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b) ^ (low >>> 15);
}

/**
 * Record numbers by key, open addressing: each slot holds a record number + 1 (0 is empty), the
 * key is read from the record itself, so a slot costs 4 bytes. Kept at most half full.
 */
class RecordTable {
  private slots = new Int32Array(1024);
  private used = 0;

  constructor(private readonly hashOf: (record: number) => number) {}

  find(hash: number, matches: (record: number) => boolean): number {
    const at = this.slotOf(hash, matches);
    return this.slots[at] - 1;
  }

  /** Puts `record` in the place of the one `matches` finds; returns that one, or -1. */
  put(hash: number, matches: (record: number) => boolean, record: number): number {
    if ((this.used + 1) * 2 > this.slots.length) this.rehash();
    const at = this.slotOf(hash, matches);
    const before = this.slots[at] - 1;
    if (before < 0) this.used += 1;
    this.slots[at] = record + 1;
    return before;
  }

  private slotOf(hash: number, matches: (record: number) => boolean): number {
    const mask = this.slots.length - 1;
    let at = hash & mask;
    while (this.slots[at] !== 0 && !matches(this.slots[at] - 1)) at = (at + 1) & mask;
    return at;
  }

  private rehash(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    const mask = this.slots.length - 1;
    for (const slot of old) {
      if (slot === 0) continue;
      let at = this.hashOf(slot - 1) & mask;
      while (this.slots[at] !== 0) at = (at + 1) & mask;
      this.slots[at] = slot;
    }
  }
}

/** Strings that repeat, each kept once and named by a number from 1 (0 is "none"). */
class Interned {
  private readonly ids = new Map<string, number>();
  private readonly texts: string[] = [''];

  id(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.texts.push(text) - 1;
      this.ids.set(text, id);
    }
    return id;
  }

  /** The id of a string already seen, or 0. */
  known(text: string): number {
    return this.ids.get(text) ?? 0;
  }

  text(id: number): string {
    return this.texts[id];
  }
}
