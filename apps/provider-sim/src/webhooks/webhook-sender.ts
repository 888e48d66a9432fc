import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { SimConfigStore } from '../config/sim-config.store';
import { SimStats } from '../stats/sim-stats';
import { Cancelled, SimScheduler, TaskToken } from '../timing/sim-scheduler';
import { performance } from 'node:perf_hooks';
import { RetryPolicy, failureClassOf } from './callback-retry';
import { Queue } from '../inbox/recent-messages';
import { OutboundWebhook, QueuedWebhook, WebhookAttempt, WebhookDraft } from './outbound-webhook';
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
 *
 * A webhook waits for a free connection of its receiver here, as a draft in its receiver's lane,
 * and is built (body, signature, headers) and handed to the pool only once it has one: the
 * backlog a slow receiver leaves holds drafts, not signed bodies and undici requests (ADR 0044).
 *
 * A record's later callback (a message's `delivered` after its `sent`) waits ahead of the
 * records that have posted nothing yet (ADR 0055): in one first-come queue it went to the back of
 * the whole backlog after each answer, so that under a backlog of N messages each message waited
 * for two passes of N, and messages became final (and left the simulator's memory) only at the
 * end of the drain. The receiver sees the same callbacks at the same rate, each message's in order.
 */
@Injectable()
export class WebhookSender implements OnApplicationShutdown {
  private readonly logger = new Logger('WebhookSender');
  private readonly connections = new WebhookConnections({ perOrigin: CONNECTIONS_PER_ORIGIN, idleMs: IDLE_CONNECTION_MS });
  private lanes = new Map<string, Lane>();

  constructor(
    private readonly scheduler: SimScheduler,
    private readonly config: SimConfigStore,
    private readonly stats: SimStats,
  ) {
    // A reset aborts what is on the wire too.
    scheduler.onCancel(() => {
      this.connections.abortAll('Cancelled');
      // Those waiting for a connection wake, see the cancelled generation and stop.
      const lanes = this.lanes;
      this.lanes = new Map();
      // Queued records are simply dropped: their generation is over.
      for (const lane of lanes.values()) for (let next = lane.waiting.shift(); next !== undefined; next = lane.waiting.shift()) if (typeof next === 'function') next();
    });
  }

  /** Webhooks built and on the wire (or about to be), and drafts waiting for a connection. */
  get backlog(): { posting: number; waiting: number } {
    let posting = 0;
    let waiting = 0;
    for (const lane of this.lanes.values()) {
      posting += lane.posting;
      waiting += lane.resumed.length + lane.waiting.length;
    }
    return { posting, waiting };
  }

  /**
   * Makes the first attempt and returns how it went; further attempts, if any, continue in the
   * background so that the caller's next callback is not held back by this one's retries.
   */
  async deliver(draft: WebhookDraft, token: TaskToken, options: { retry: boolean } = { retry: true }): Promise<WebhookAttempt> {
    const lane = this.laneOf(draft.url);
    await this.turn(lane);
    return this.post(draft, token, options, lane);
  }

  /**
   * `deliver` for a record that waits as itself: it takes no promise while in the lane, and hears
   * through `posted` how its first attempt went (retries as in deliver). `resumed`: the record has
   * posted before (a message's later status); it waits ahead of those that have not.
   */
  enqueue(webhook: QueuedWebhook, resumed = false): void {
    const lane = this.laneOf(webhook.url);
    if (lane.posting < CONNECTIONS_PER_ORIGIN) {
      lane.posting += 1;
      this.postQueued(webhook, lane);
    } else if (resumed) {
      lane.resumed.push(webhook);
    } else {
      lane.waiting.push(webhook);
    }
  }

  /** Posts `draft` on a connection of `lane` that it holds, and gives the connection back. */
  private async post(draft: WebhookDraft, token: TaskToken, options: { retry: boolean }, lane: Lane): Promise<WebhookAttempt> {
    const startedAt = performance.now();
    const { webhook, first } = await this.holding(lane, async () => {
      // A draft that waited through a reset is dropped unbuilt.
      if (this.scheduler.isCancelled(token)) throw new Cancelled();
      const built = draft.build();
      return { webhook: built, first: await this.attempt(built, token) };
    });
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
      const lane = this.laneOf(webhook.url);
      await this.turn(lane);
      last = await this.holding(lane, () => this.attempt(webhook, token));
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

  private postQueued(webhook: QueuedWebhook, lane: Lane): void {
    this.post(webhook, webhook.token, { retry: webhook.retry !== false }, lane)
      .then((attempt) => webhook.posted(attempt))
      // Neither a failed build nor a failing record may end the process.
      .catch((error: unknown) => {
        if (!(error instanceof Cancelled)) this.logger.error({ msg: 'webhook failed', url: withoutQuery(webhook.url), error: String(error) });
      });
  }

  private laneOf(url: string): Lane {
    const origin = originOf(url);
    let lane = this.lanes.get(origin);
    if (lane === undefined) {
      lane = { posting: 0, resumed: new Queue(), waiting: new Queue() };
      this.lanes.set(origin, lane);
    }
    return lane;
  }

  /** Resolves once `lane` has a connection for this POST, first come first served. */
  private turn(lane: Lane): Promise<void> | undefined {
    if (lane.posting < CONNECTIONS_PER_ORIGIN) {
      lane.posting += 1;
      return undefined;
    }
    return new Promise((wake) => lane.waiting.push(wake));
  }

  /** Runs `work` on a connection of `lane` that this POST holds (its turn taken), and gives the connection back however it ends. */
  private async holding<T>(lane: Lane, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } finally {
      this.leave(lane);
    }
  }

  /** Hands this POST's connection to the next one waiting, if any. */
  private leave(lane: Lane): void {
    const next = lane.resumed.shift() ?? lane.waiting.shift();
    if (next === undefined) lane.posting -= 1;
    else if (typeof next === 'function') next();
    else this.postQueued(next, lane);
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

/**
 * The POSTs of one receiver origin: how many hold one of its connections, and the drafts waiting
 * for one, in order: records that have posted before (served first), then the rest, each a
 * queued record itself or the wake-up of a waiting `deliver`.
 */
interface Lane {
  posting: number;
  resumed: Queue<QueuedWebhook>;
  waiting: Queue<QueuedWebhook | (() => void)>;
}

/** Scheme, host and port of `url` as written (the lane key); a malformed URL is its own lane and fails when posted. */
export function originOf(url: string): string {
  const authority = url.indexOf('//') + 2;
  for (let i = authority; i < url.length; i += 1) {
    const c = url.charCodeAt(i);
    // '/', '?', '#'
    if (c === 47 || c === 63 || c === 35) return url.slice(0, i);
  }
  return url;
}

function withoutQuery(url: string): string {
  const query = url.search(/[?#]/);
  return query < 0 ? url : url.slice(0, query);
}
