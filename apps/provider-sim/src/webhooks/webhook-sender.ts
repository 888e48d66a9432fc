import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Agent as HttpAgent, ClientRequest, IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { SimConfigStore } from '../config/sim-config.store';
import { SimStats } from '../stats/sim-stats';
import { Cancelled, SimScheduler, TaskToken } from '../timing/sim-scheduler';
import { performance } from 'node:perf_hooks';
import { RetryPolicy, failureClassOf } from './callback-retry';
import { OutboundWebhook, WebhookAttempt, WebhookReply } from './outbound-webhook';

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
 * (node:http with a keep-alive agent rather than fetch, whose per-request streams, abort
 * signals and timers cost more than the rest of a callback together).
 */
@Injectable()
export class WebhookSender implements OnApplicationShutdown {
  private readonly logger = new Logger('WebhookSender');
  private readonly agents = {
    'http:': new HttpAgent({ keepAlive: true, maxSockets: CONNECTIONS_PER_ORIGIN, timeout: IDLE_CONNECTION_MS }),
    'https:': new HttpsAgent({ keepAlive: true, maxSockets: CONNECTIONS_PER_ORIGIN, timeout: IDLE_CONNECTION_MS }),
  };
  private readonly inFlight = new Set<ClientRequest>();

  constructor(
    private readonly scheduler: SimScheduler,
    private readonly config: SimConfigStore,
    private readonly stats: SimStats,
  ) {
    // A reset aborts what is on the wire too, as the shared AbortSignal of fetch did.
    scheduler.onCancel(() => {
      for (const request of this.inFlight) request.destroy(new Cancelled());
      this.inFlight.clear();
    });
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
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
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
    let outcome = await this.post(webhook, false, timeoutMs);
    // A kept-alive connection the receiver closed just as it was reused: the request never
    // reached it, so it goes once more on a fresh connection (node's documented pattern).
    if (outcome.staleConnection) outcome = await this.post(webhook, true, timeoutMs);
    if (this.scheduler.isCancelled(token)) throw new Cancelled();
    return outcome.attempt;
  }

  private post(webhook: OutboundWebhook, freshConnection: boolean, timeoutMs: number): Promise<{ attempt: WebhookAttempt; staleConnection?: boolean }> {
    return new Promise((resolve) => {
      let request: ClientRequest;
      try {
        const url = new URL(webhook.url);
        const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
        const agent = url.protocol === 'https:' ? this.agents['https:'] : this.agents['http:'];
        request = send(url, {
          method: 'POST',
          headers: { ...webhook.headers, 'Content-Length': Buffer.byteLength(webhook.body) },
          // A retried stale request gets a connection of its own.
          agent: freshConnection ? false : agent,
        });
      } catch (error: unknown) {
        resolve({ attempt: { error: error instanceof Error ? error.name : 'invalid url' } });
        return;
      }
      this.inFlight.add(request);
      let settled = false;
      // A response may fail after it began: whichever comes first decides.
      const done = (result: { attempt: WebhookAttempt; staleConnection?: boolean }): void => {
        if (settled) return;
        settled = true;
        this.inFlight.delete(request);
        resolve(result);
      };
      request.setTimeout(timeoutMs, () => request.destroy(new AttemptTimeout()));
      request.on('response', (response: IncomingMessage) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => {
          const reply: WebhookReply = { status: response.statusCode ?? 0, contentType: response.headers['content-type'] ?? null, body };
          done({ attempt: { reply } });
        });
        response.on('error', (error: Error) => done({ attempt: { error: transportErrorOf(error) } }));
      });
      request.on('error', (error: Error) => {
        const stale = request.reusedSocket && (error as NodeJS.ErrnoException).code === 'ECONNRESET';
        done({ attempt: { error: transportErrorOf(error) }, staleConnection: stale && !freshConnection });
      });
      request.end(webhook.body);
    });
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

class AttemptTimeout extends Error {
  override readonly name = 'TimeoutError';
}

function transportErrorOf(error: Error): string {
  if (error instanceof AttemptTimeout) return 'timeout';
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === 'string' ? code : error.name;
}

function withoutQuery(url: string): string {
  const query = url.search(/[?#]/);
  return query < 0 ? url : url.slice(0, query);
}
