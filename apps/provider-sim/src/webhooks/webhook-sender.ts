import { Injectable, Logger } from '@nestjs/common';
import { SimConfigStore } from '../config/sim-config.store';
import { SimStats } from '../stats/sim-stats';
import { Cancelled, SimScheduler } from '../timing/sim-scheduler';
import { OutboundWebhook, WebhookAttempt, WebhookReply } from './outbound-webhook';

/** A receiver that never answers must not hold a callback lane forever. */
const ATTEMPT_TIMEOUT_MS = 10_000;

/**
 * POSTs webhooks the way the providers do: a receiver that is down, times out or answers 5xx
 * or 429 is tried again with exponential backoff (callbackRetry), then given up and logged; a
 * 4xx (e.g. a refused signature) is final at once. Nothing here ever throws at the caller except
 * Cancelled: the simulator must survive any receiver.
 */
@Injectable()
export class WebhookSender {
  private readonly logger = new Logger('WebhookSender');

  constructor(
    private readonly scheduler: SimScheduler,
    private readonly config: SimConfigStore,
    private readonly stats: SimStats,
  ) {}

  /**
   * Makes the first attempt and returns how it went; further attempts, if any, continue in the
   * background so that the caller's next callback is not held back by this one's retries.
   */
  async deliver(webhook: OutboundWebhook, signal: AbortSignal, options: { retry: boolean } = { retry: true }): Promise<WebhookAttempt> {
    const first = await this.attempt(webhook, signal);
    const { attempts, backoffMs } = this.config.current.callbackRetry;
    if (isDelivered(first)) {
      this.stats.callbackSent(webhook.kind, webhook.events);
    } else if (options.retry && attempts > 1 && isWorthRetrying(first)) {
      this.scheduler.spawn(`retry ${webhook.label}`, (retrySignal) => this.retry(webhook, retrySignal, attempts, backoffMs));
    } else {
      this.giveUp(webhook, first, 1);
    }
    return first;
  }

  private async retry(webhook: OutboundWebhook, signal: AbortSignal, attempts: number, backoffMs: number): Promise<void> {
    let last: WebhookAttempt = {};
    for (let attempt = 2; attempt <= attempts; attempt += 1) {
      await this.scheduler.sleep(backoffMs * 2 ** (attempt - 2), signal);
      this.stats.callbackRetried(webhook.kind);
      last = await this.attempt(webhook, signal);
      if (isDelivered(last)) {
        this.stats.callbackSent(webhook.kind, webhook.events);
        return;
      }
      if (!isWorthRetrying(last)) break;
    }
    this.giveUp(webhook, last, attempts);
  }

  private async attempt(webhook: OutboundWebhook, signal: AbortSignal): Promise<WebhookAttempt> {
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: webhook.headers,
        body: webhook.body,
        redirect: 'manual',
        signal: AbortSignal.any([signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
      });
      const reply: WebhookReply = { status: response.status, contentType: response.headers.get('content-type'), body: await response.text() };
      return { reply };
    } catch (error: unknown) {
      if (signal.aborted) throw new Cancelled();
      return { error: transportErrorOf(error) };
    }
  }

  private giveUp(webhook: OutboundWebhook, last: WebhookAttempt, attempts: number): void {
    this.stats.callbackFailed(webhook.kind);
    this.logger.warn({
      msg: 'webhook given up',
      webhook: webhook.label,
      // Origin and path only: a query string is the receiver's business.
      url: withoutQuery(webhook.url),
      attempts,
      status: last.reply?.status,
      error: last.error,
    });
  }
}

function isDelivered(attempt: WebhookAttempt): boolean {
  return attempt.reply !== undefined && attempt.reply.status >= 200 && attempt.reply.status < 300;
}

/** No answer, a server error or "slow down" may pass later; any other refusal will not. */
function isWorthRetrying(attempt: WebhookAttempt): boolean {
  const status = attempt.reply?.status;
  return status === undefined || status >= 500 || status === 429;
}

function transportErrorOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (error instanceof Error && error.name === 'TimeoutError') return 'timeout';
  return error instanceof Error ? error.name : 'unknown';
}

function withoutQuery(url: string): string {
  const query = url.search(/[?#]/);
  return query < 0 ? url : url.slice(0, query);
}
