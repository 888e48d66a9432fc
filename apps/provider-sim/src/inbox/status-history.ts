import { SimStatusChange } from './sim-message';

/**
 * Status names are few and repeat on every message; each history keeps an index into this list
 * instead of its own string. Unknown names are added once.
 */
const NAMES: string[] = [
  'queued',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'initiated',
  'ringing',
  'in-progress',
  'completed',
  'busy',
  'no-answer',
  'processed',
  'deferred',
  'bounce',
  'dropped',
];
const INDEX = new Map(NAMES.map((name, i) => [name, i]));

/** A status name as the number histories and Twilio records keep. */
export function statusIndex(name: string): number {
  let index = INDEX.get(name);
  if (index === undefined) {
    index = NAMES.push(name) - 1;
    INDEX.set(name, index);
  }
  return index;
}

export function statusName(index: number): string {
  return NAMES[index];
}

/** Absent error code; Twilio's are positive. */
const NO_CODE = 0;

/**
 * The statuses a message reached, in order, as flat numbers (name index, epoch ms, error code)
 * rather than an object and an ISO string per status. Serialises to the public shape,
 * `[{status, at, errorCode?}]`, so the HTTP answers are what they were.
 */
export class StatusHistory {
  private readonly entries: number[] = [];
  /** Told of each status too: the message's Twilio record (TwilioRecords), which outlives it. */
  private follower?: (status: string, at: Date, errorCode: number | undefined) => void;

  push(status: string, at: Date, errorCode?: number): void {
    this.entries.push(statusIndex(status), at.getTime(), errorCode ?? NO_CODE);
    this.follower?.(status, at, errorCode);
  }

  follow(follower: (status: string, at: Date, errorCode: number | undefined) => void): void {
    this.follower = follower;
  }

  get length(): number {
    return this.entries.length / 3;
  }

  /** The latest status reached, if any. */
  last(): string | undefined {
    const n = this.entries.length;
    return n === 0 ? undefined : NAMES[this.entries[n - 3]];
  }

  /** When the latest status was reached (epoch ms), if any. */
  lastAt(): number | undefined {
    const n = this.entries.length;
    return n === 0 ? undefined : this.entries[n - 2];
  }

  toJSON(): SimStatusChange[] {
    const changes: SimStatusChange[] = [];
    for (let i = 0; i < this.entries.length; i += 3) {
      const errorCode = this.entries[i + 2];
      changes.push({ status: NAMES[this.entries[i]], at: new Date(this.entries[i + 1]).toISOString(), ...(errorCode !== NO_CODE ? { errorCode } : {}) });
    }
    return changes;
  }
}
