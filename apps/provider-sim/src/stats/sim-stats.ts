import { Injectable } from '@nestjs/common';
import { SimChannel } from '../inbox/sim-message';
import { FingerprintSet } from './fingerprint-set';

/** Who a webhook POST is counted for: a channel's status callbacks, or inbound SMS. */
export type WebhookKind = SimChannel | 'inboundSms';

export interface CallbackCounts {
  /** POSTs answered 2xx (for e-mail: Event Webhook POSTs, each carrying several events). */
  sent: number;
  /** POSTs given up after the last attempt, or refused with a 4xx. */
  failed: number;
  /** Attempts after the first. */
  retried: number;
  /** E-mail only: events carried by the POSTs that were answered 2xx. */
  events?: number;
}

export interface ChannelStats {
  /** Messages accepted (for e-mail: recipients, also counted per request in `requests`). */
  accepted: number;
  requests?: number;
  /** Accepted messages the same as an earlier one (e-mail: same delivery_id; SMS: same to+body; voice: same to+TwiML/Url). */
  duplicates: number;
  /** Synchronous refusals by Twilio error code, or by HTTP status for SendGrid. */
  rejected: Record<string, number>;
  /** Requests answered 429 by the rate limit or a 429 storm. */
  rateLimited: number;
  callbacks: CallbackCounts;
}

/** The callbacks waiting for a retry: one queue for every provider, bounded in bytes. */
export interface RetryQueueCounts {
  /** POSTs waiting for their next attempt, and the bytes of their bodies. */
  waiting: number;
  waitingBytes: number;
  /** The most bytes that ever waited at once. */
  peakBytes: number;
  /** POSTs given up at once because the queue was full (also counted as failed). */
  overflowed: number;
}

export interface SimStatsSnapshot {
  sms: ChannelStats;
  voice: ChannelStats;
  email: ChannelStats;
  inboundSms: CallbackCounts;
  /** Messages whose callbacks are still to come, plus retry chains in progress. */
  pendingCallbacks: number;
  retryQueue: RetryQueueCounts;
}

/** Counters for benchmarks: what was accepted, refused, throttled, and which callbacks made it. */
@Injectable()
export class SimStats {
  private channels = freshChannels();
  private inbound = freshCallbacks();
  /** Every message ever accepted, per channel, as a fingerprint: the store keeps only the latest. */
  private seen = freshSeen();
  private retries = freshRetryQueue();

  /** Counts an accepted message; true when it is a duplicate of an earlier one (the caller logs which). */
  accepted(channel: SimChannel, duplicateKey: string): boolean {
    const stats = this.channels[channel];
    stats.accepted += 1;
    const duplicate = this.seen[channel].add(duplicateKey);
    if (duplicate) stats.duplicates += 1;
    return duplicate;
  }

  emailRequestAccepted(): void {
    this.channels.email.requests = (this.channels.email.requests ?? 0) + 1;
  }

  rejected(channel: SimChannel, code: number | string): void {
    const rejected = this.channels[channel].rejected;
    rejected[String(code)] = (rejected[String(code)] ?? 0) + 1;
  }

  rateLimited(channel: SimChannel): void {
    this.channels[channel].rateLimited += 1;
  }

  callbackSent(kind: WebhookKind, events?: number): void {
    const counts = this.callbacksOf(kind);
    counts.sent += 1;
    if (events !== undefined) counts.events = (counts.events ?? 0) + events;
  }

  callbackFailed(kind: WebhookKind): void {
    this.callbacksOf(kind).failed += 1;
  }

  callbackRetried(kind: WebhookKind): void {
    this.callbacksOf(kind).retried += 1;
  }

  /** Room for `bytes` more in the retry queue, taken if there is; false (and counted) when it is full. */
  retryQueued(bytes: number, maxBytes: number): boolean {
    const queue = this.retries;
    if (queue.waitingBytes + bytes > maxBytes) {
      queue.overflowed += 1;
      return false;
    }
    queue.waiting += 1;
    queue.waitingBytes += bytes;
    queue.peakBytes = Math.max(queue.peakBytes, queue.waitingBytes);
    return true;
  }

  retryDone(bytes: number): void {
    this.retries.waiting -= 1;
    this.retries.waitingBytes -= bytes;
  }

  snapshot(pendingCallbacks: number): SimStatsSnapshot {
    return structuredClone({ ...this.channels, inboundSms: this.inbound, pendingCallbacks, retryQueue: this.retries });
  }

  reset(): void {
    this.channels = freshChannels();
    this.inbound = freshCallbacks();
    this.seen = freshSeen();
    this.retries = freshRetryQueue();
  }

  private callbacksOf(kind: WebhookKind): CallbackCounts {
    return kind === 'inboundSms' ? this.inbound : this.channels[kind].callbacks;
  }
}

function freshChannels(): Record<SimChannel, ChannelStats> {
  const channel = (): ChannelStats => ({ accepted: 0, duplicates: 0, rejected: {}, rateLimited: 0, callbacks: freshCallbacks() });
  return {
    sms: channel(),
    voice: channel(),
    email: { ...channel(), requests: 0, callbacks: { ...freshCallbacks(), events: 0 } },
  };
}

function freshSeen(): Record<SimChannel, FingerprintSet> {
  return { sms: new FingerprintSet(), voice: new FingerprintSet(), email: new FingerprintSet() };
}

function freshRetryQueue(): RetryQueueCounts {
  return { waiting: 0, waitingBytes: 0, peakBytes: 0, overflowed: 0 };
}

function freshCallbacks(): CallbackCounts {
  return { sent: 0, failed: 0, retried: 0 };
}
