import { WebhookKind } from '../stats/sim-stats';
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
