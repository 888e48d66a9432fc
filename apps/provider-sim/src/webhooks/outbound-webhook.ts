import { WebhookKind } from '../stats/sim-stats';
import type { TaskToken } from '../timing/sim-scheduler';
import type { RetryPolicy } from './callback-retry';

/** One POST the simulator makes to someone else's server, fully prepared (body encoded, signed). */
export interface OutboundWebhook {
  kind: WebhookKind;
  /** For logs: what this is, without personal data, e.g. "sms status delivered SM…". */
  label: string;
  url: string;
  body: string;
  headers: Record<string, string>;
  /** E-mail: how many events the body carries, for the stats. */
  events?: number;
  /** How the provider retries this POST when it fails; absent: posted once. */
  retry?: RetryPolicy;
}

/**
 * A webhook still to be posted: where it goes, and how to build it. The body, signature and
 * headers are built by `build` only when its POST is about to go out, so that a callback waiting
 * for a slow receiver costs its few fields, not a signed body and an HTTP request (ADR 0044).
 */
export interface WebhookDraft {
  /** As given to the simulator: for Twilio still with its connection-override fragment. */
  url: string;
  build(): OutboundWebhook;
}

/**
 * A draft that waits in its receiver's lane as itself, a record with no promise, and is told how
 * its first attempt went (WebhookSender.enqueue): a message's status callbacks (ADR 0044).
 */
export interface QueuedWebhook extends WebhookDraft {
  readonly token: TaskToken;
  /** false: posted once, without its provider's retries (Twilio's TwiML fetch and Gather action); absent: retried. */
  readonly retry?: boolean;
  /** How the first attempt went; retries, if any, go on without it. Not called once cancelled. */
  posted(attempt: WebhookAttempt): void;
}

export interface WebhookReply {
  status: number;
  contentType: string | null;
  body: string;
}

/** How the first attempt went; `reply` is absent when no HTTP answer came. */
export interface WebhookAttempt {
  reply?: WebhookReply;
  /** Why no answer came (ECONNREFUSED, timeout…). */
  error?: string;
}
