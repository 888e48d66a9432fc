import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { SimConfigStore } from '../config/sim-config.store';
import { SimStats } from '../stats/sim-stats';
import { Cancelled, SimScheduler, TaskToken } from '../timing/sim-scheduler';
import { performance } from 'node:perf_hooks';
import { RetryPolicy, failureClassOf } from './callback-retry';
import { OutboundWebhook, WebhookAttempt } from './outbound-webhook';
import { WebhookConnections } from './webhook-connections';

/** A receiver that never answers must not hold a callback lane forever (Twilio's own is shorter: `rt`). */
export const ATTEMPT_TIMEOUT_MS = 10_000;
/**
 * Idle connections are closed after this long, before the receiver closes them: node servers
 * (the tracker, the specs' receivers) drop idle keep-alive connections after 5 s, and a request
 * written onto a connection the other side is closing fails for nothing.
 */
const IDLE_CONNECTION_MS = 4_000;
/**
 * Connections per receiver origin. Twilio and SendGrid call from many machines at once; this is
 * enough that a slow receiver, not the simulator, sets the pace, and bounded so that a dead one
 * cannot make the simulator open thousands.
 */
const CONNECTIONS_PER_ORIGIN = 256;

/**
 * POSTs webhooks the way the providers do: a POST that fails is tried again as its provider's
 * retry policy says (webhook.retry: Twilio's connection overrides, SendGrid's day of growing
 * delays), then given up and logged. Retries wait on the scheduler's one timer heap, their bodies
 * counted against callbackRetry.maxQueuedBytes: a POST that would exceed it is given up at once
 * (stats.retryQueue.overflowed). Nothing here ever throws at the caller except Cancelled: the
 * simulator must survive any receiver.
 *
 * Each webhook is its own request, as with the real providers, but over kept-alive connections
 * (WebhookConnections, undici's Pool: not node:http's client, whose per-request streams, events
 * and timers cost more than the rest of a callback together; ADR 0040).
 */
@Injectable()
export class WebhookSender implements OnApplicationShutdown {
  private readonly logger = new Logger('WebhookSender');
  private readonly connections = new WebhookConnections({ perOrigin: CONNECTIONS_PER_ORIGIN, idleMs: IDLE_CONNECTION_MS });

  constructor(
    private readonly scheduler: SimScheduler,
    private readonly config: SimConfigStore,
    private readonly stats: SimStats,
  ) {
    // A reset aborts what is on the wire too.
    scheduler.onCancel(() => this.connections.abortAll('Cancelled'));
  }

  /**
   * Makes the first attempt and returns how it went; further attempts, if any, continue in the
   * background so that the caller's next callback is not held back by this one's retries.
   */
  async deliver(webhook: OutboundWebhook, token: TaskToken, options: { retry: boolean } = { retry: true }): Promise<WebhookAttempt> {
    const startedAt = performance.now();
    const first = await this.attempt(webhook, token);
    const failure = failureClassOf(first);
    const { enabled, maxQueuedBytes } = this.config.current.callbackRetry;
    const policy = options.retry && enabled ? webhook.retry : undefined;
    const delay = failure === null ? null : policy?.nextDelayMs(failure, 0, performance.now() - startedAt);
    if (failure === null) {
      this.stats.callbackSent(webhook.kind, webhook.events);
    } else if (policy && delay != null) {
      const bytes = Buffer.byteLength(webhook.body);
      if (this.stats.retryQueued(bytes, maxQueuedBytes)) {
        this.scheduler.spawn(`retry ${webhook.label}`, async (retryToken) => {
          try {
            await this.retry(webhook, retryToken, policy, startedAt, delay);
          } finally {
            // A reset wrote the queue off with the rest of the stats.
            if (!this.scheduler.isCancelled(retryToken)) this.stats.retryDone(bytes);
          }
        });
      } else {
        this.giveUp(webhook, first, 1, 'retry queue full');
      }
    } else {
      this.giveUp(webhook, first, 1);
    }
    return first;
  }

  onApplicationShutdown(): void {
    this.connections.destroy();
  }

  private async retry(webhook: OutboundWebhook, token: TaskToken, policy: RetryPolicy, startedAt: number, firstDelay: number): Promise<void> {
    let delay: number | null = firstDelay;
    let last: WebhookAttempt = {};
    let retries = 0;
    while (delay !== null) {
      await this.scheduler.sleep(delay, token);
      retries += 1;
      this.stats.callbackRetried(webhook.kind);
      last = await this.attempt(webhook, token);
      const failure = failureClassOf(last);
      if (failure === null) {
        this.stats.callbackSent(webhook.kind, webhook.events);
        return;
      }
      delay = policy.nextDelayMs(failure, retries, performance.now() - startedAt);
    }
    this.giveUp(webhook, last, retries + 1);
  }

  /** One attempt; Cancelled when the generation ends before or during it. */
  private async attempt(webhook: OutboundWebhook, token: TaskToken): Promise<WebhookAttempt> {
    if (this.scheduler.isCancelled(token)) throw new Cancelled();
    const timeoutMs = webhook.retry?.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS;
    let outcome = await this.connections.post(webhook.url, webhook.headers, webhook.body, timeoutMs, false);
    // A kept-alive connection the receiver closed just as it was reused: the request never
    // reached it, so it goes once more on a fresh connection (node's documented pattern).
    if (outcome.staleConnection) outcome = await this.connections.post(webhook.url, webhook.headers, webhook.body, timeoutMs, true);
    if (this.scheduler.isCancelled(token)) throw new Cancelled();
    return outcome.attempt;
  }

  private giveUp(webhook: OutboundWebhook, last: WebhookAttempt, attempts: number, why?: string): void {
    this.stats.callbackFailed(webhook.kind);
    this.logger.warn({
      msg: why ? `webhook given up: ${why}` : 'webhook given up',
      webhook: webhook.label,
      // Origin and path only: a query string is the receiver's business.
      url: withoutQuery(webhook.url),
      attempts,
      status: last.reply?.status,
      error: last.error,
    });
  }
}

function withoutQuery(url: string): string {
  const query = url.search(/[?#]/);
  return query < 0 ? url : url.slice(0, query);
}
