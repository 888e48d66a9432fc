import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@bin-alert/domain';
import { DeliveryStatusEventV1, HEADERS, TOPICS, deliveryEventId } from '@bin-alert/contracts';
import { MESSAGE_BUS, MessageBus, OutgoingMessage } from '@bin-alert/messaging';
import { DeliveryTrackingRepository, TrackedDelivery } from '@bin-alert/persistence';
import {
  Link,
  MESSAGING_ATTRIBUTES,
  ROOT_CONTEXT,
  STORES,
  Span,
  SpanKind,
  Stores,
  TRACE_ATTRIBUTES,
  activeSpan,
  currentCorrelationId,
  debugLogged,
  inSpan,
  spanContextOf,
  withCorrelationId,
  withoutCorrelationId,
} from '@bin-alert/platform';
import { CallbackObservation } from './callback-observation';
import { DeliveryStatusApplier } from './delivery-status-applier';
import { MicroBatcher } from './micro-batcher';
import { WebhookStats } from './webhook-stats';

export type ObservationOutcome =
  /** Applied (or found already there) and published on bin.delivery-events.v1. */
  | 'published'
  /** Seen before (the provider resent it): dropped. */
  | 'duplicate'
  /** Names no delivery of ours, or one of another channel: dropped with a warning. */
  | 'unknown_delivery'
  /** Says nothing about a delivery's status (a spam report, an inbound status): dropped. */
  | 'ignored'
  /**
   * Being recorded by another instance, or by an attempt that died before saying how it
   * ended: not known to be durable, so not dropped either. The webhook answers 503 and the
   * provider sends it again later.
   */
  | 'in_flight';

export interface ObservationResult {
  outcome: ObservationOutcome;
  delivery?: TrackedDelivery;
}

export const DEDUPE_KEY_PREFIX = 'bin:tracker:seen:';

const PUBLISH_ATTRIBUTES = {
  [MESSAGING_ATTRIBUTES.system]: 'kafka',
  [MESSAGING_ATTRIBUTES.operationType]: 'send',
  [MESSAGING_ATTRIBUTES.destination]: TOPICS.deliveryEvents,
};

interface ReceivedCallback {
  observation: CallbackObservation;
  receivedAt: Date;
  /** The webhook request's: a batch holds several requests, so each callback carries its own. */
  correlationId: string | undefined;
  /** The webhook request's span, to link to the trace of the alert the callback is about. */
  requestSpan: Span | undefined;
}

export const STATUS_PUBLISHING_SETTINGS = Symbol('STATUS_PUBLISHING_SETTINGS');

/** How callbacks are gathered and their repeats dropped; the tracker's settings carry these. */
export interface StatusPublishingSettings {
  /** How long a callback's identity is remembered to drop the provider's repeats. */
  dedupeTtlSeconds: number;
  /**
   * How long a callback's identity stays claimed while its status is applied and its event
   * published. A claim left by an attempt that died lapses after this: until then the provider's
   * retries are told to come back later, never dropped. Longer than an apply and a produce can
   * take with their retries.
   */
  claimTtlSeconds: number;
  /** Callbacks of concurrent requests gathered into one lookup, one dedupe round trip, one apply and one produce. */
  ingestBatch: { maxItems: number; maxWaitMs: number };
}

/**
 * Records verified callbacks: applies their statuses and publishes them as DeliveryStatusEvents
 * (ADR 0041). The callbacks of concurrent webhook requests are gathered into batches
 * (MicroBatcher, one batch in flight per instance); per batch, one query looks their deliveries
 * up, one Redis round trip claims their identities (repeats are dropped), the rest are applied to
 * PostgreSQL and the live counters (DeliveryStatusApplier: monotonic, idempotent), then published
 * with one producer call keyed by member id on bin.delivery-events.v1, the log other projections
 * read. Each request is answered once its statuses are committed and its events durable
 * (acks=all); a batch fails as a whole: every request in it answers 5xx and the provider sends it
 * again, which applies nothing twice and publishes the event again.
 *
 * Dedupe marks are two-phase so that no failure can leave a mark that drops a retry: a claim
 * (pending, `claimTtlSeconds`) before applying, confirmed as done (`dedupeTtlSeconds`) only
 * once the broker has the event, taken back if applying or publishing fails. A pending claim found
 * by someone else is answered "come back later", never "duplicate"; a claim that neither got
 * confirmed nor taken back (a crash, Redis away at that moment) lapses by itself.
 */
@Injectable()
export class StatusEventPublisher {
  private readonly logger = new Logger('status-events');
  private readonly batcher: MicroBatcher<ReceivedCallback, ObservationResult>;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(STORES) private readonly stores: Stores,
    @Inject(STATUS_PUBLISHING_SETTINGS) private readonly settings: StatusPublishingSettings,
    private readonly deliveries: DeliveryTrackingRepository,
    private readonly applier: DeliveryStatusApplier,
    private readonly stats: WebhookStats,
  ) {
    // A batch is shared work: it runs under no request's correlation id, and applies each callback's;
    // it is a trace of its own, linked to its requests' (ADR 0020).
    this.batcher = new MicroBatcher(settings.ingestBatch, (callbacks) =>
      withoutCorrelationId(() =>
        inSpan('record delivery statuses', { parent: ROOT_CONTEXT, links: requestLinks(callbacks), attributes: { 'bin.callbacks': callbacks.length } }, (span) =>
          this.recordBatch(callbacks, span),
        ),
      ),
    );
  }

  /**
   * Resolves once the statuses of these observations are committed and their events durable, or
   * dropped, with one result each; rejects when they could not be recorded (DomainError callback.in_flight when one of
   * them is in flight elsewhere), so that the webhook answers 5xx.
   */
  async publish(observations: CallbackObservation[], receivedAt = new Date()): Promise<ObservationResult[]> {
    const correlationId = currentCorrelationId();
    const requestSpan = activeSpan();
    const results = await this.batcher.submit(observations.map((observation) => ({ observation, receivedAt, correlationId, requestSpan })));
    if (results.some((r) => r.outcome === 'in_flight')) throw new DomainError('callback.in_flight', 'This callback is being handled already; send it again later.');
    return results;
  }

  private async recordBatch(callbacks: ReceivedCallback[], batchSpan?: Span): Promise<ObservationResult[]> {
    const observations = callbacks.map((c) => c.observation);
    const results: ObservationResult[] = observations.map(() => ({ outcome: 'ignored' }));
    const known = await this.deliveries.findForTracking(observations.flatMap((o) => (o.deliveryId ? [o.deliveryId] : [])));
    linkToAlertTraces(callbacks, known, batchSpan);

    // The first of each identity in the batch stands for all of them: the others are its repeats.
    const first = new Map<string, number>();
    const repeats: number[] = [];
    observations.forEach((o, i) => {
      const delivery = o.deliveryId ? known.get(o.deliveryId) : undefined;
      results[i].delivery = delivery?.channel === o.channel ? delivery : undefined;
      if (!o.mapping) return;
      if (!results[i].delivery) {
        results[i].outcome = 'unknown_delivery';
        withCorrelationId(callbacks[i].correlationId, () =>
          this.logger.warn({
            msg: 'callback for an unknown delivery',
            provider: o.provider,
            channel: o.channel,
            deliveryId: o.deliveryId ?? null,
            providerStatus: o.providerStatus,
            providerId: o.providerId,
          }),
        );
        return;
      }
      if (first.has(o.identity)) repeats.push(i);
      else first.set(o.identity, i);
    });

    const candidates = [...first.values()];
    const keys = (indexes: number[]) => indexes.map((i) => DEDUPE_KEY_PREFIX + observations[i].identity);
    const verdicts = await this.stores.seen.claim(keys(candidates), this.settings.claimTtlSeconds);
    const claimed = candidates.filter((_, n) => verdicts[n] === 'claimed');
    for (const [n, i] of candidates.entries()) results[i].outcome = verdicts[n] === 'claimed' ? 'published' : verdicts[n] === 'pending' ? 'in_flight' : 'duplicate';
    for (const i of repeats) results[i].outcome = results[first.get(observations[i].identity)!].outcome === 'in_flight' ? 'in_flight' : 'duplicate';

    // The dedupe marks' confirmation and the webhook stats are both after-the-fact bookkeeping in
    // Redis: sent together, one round trip of the batch's chain instead of two (the next batch
    // waits for this one, so every serial round trip is taken from the drain's rate).
    const { confirmed } = claimed.length > 0 ? await this.applyAndPublish(callbacks, results, claimed, keys(claimed)) : { confirmed: undefined };
    const count = (outcome: ObservationOutcome) => results.filter((r) => r.outcome === outcome).length;
    await Promise.all([
      confirmed,
      this.stats.add({
        published: count('published'),
        duplicate: count('duplicate'),
        unknown_delivery: count('unknown_delivery'),
        ignored: count('ignored'),
        retry_later: count('in_flight'),
      }),
    ]);
    return results;
  }

  /**
   * Applies and publishes the claimed callbacks; on failure takes their claims back and throws.
   * Resolves, once the events are durable, with the confirmation of their claims under way (in an
   * object: a promise returned as itself would be waited for).
   */
  private async applyAndPublish(callbacks: ReceivedCallback[], results: ObservationResult[], claimed: number[], claimedKeys: string[]): Promise<{ confirmed: Promise<void> }> {
    const messages = claimed.map((i) => this.message(callbacks[i], results[i].delivery!));
    // One batch may concern several alerts: each line is written under its own alert's id. A line
    // per event, built only when debug is on (debugLogged).
    if (debugLogged())
      for (const m of messages) {
        const { alertId, deliveryId, channel, status, providerStatus } = m.value as DeliveryStatusEventV1;
        withCorrelationId(m.headers?.[HEADERS.correlationId], () => this.logger.debug({ msg: 'delivery status received', alertId, deliveryId, channel, status, providerStatus }));
      }
    try {
      // Applied before published: a crash in between leaves the claims to lapse and the provider
      // resends; the resend changes nothing in PostgreSQL and is published then. The live
      // counters' update and the publish both follow the commit, so they go out together; should
      // either fail, the batch fails as before (the resend applies nothing twice and publishes
      // again, ADR 0041).
      const { counted } = await inSpan('apply delivery statuses', { attributes: { 'bin.events': messages.length } }, () =>
        this.applier.applyAll(messages.map((m) => ({ event: m.value as DeliveryStatusEventV1, correlationId: m.headers?.[HEADERS.correlationId] }))),
      );
      const published = inSpan(`publish ${TOPICS.deliveryEvents}`, { kind: SpanKind.PRODUCER, attributes: PUBLISH_ATTRIBUTES }, () => this.bus.publish(messages));
      // Both settled before the claims are taken back: a publish still under way must not find them gone.
      const failed = (await Promise.allSettled([counted, published])).find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    } catch (error) {
      // Should this fail too, the claims lapse after claimTtlSeconds; retries meanwhile are told
      // to come back, not dropped.
      await this.stores.seen.forget(claimedKeys).catch(() => undefined);
      throw error;
    }
    const confirmed = this.stores.seen.confirm(claimedKeys, this.settings.dedupeTtlSeconds).catch((error) =>
      // The statuses are committed and the events durable, so the callbacks are answered 200 all
      // the same. The claims lapse unconfirmed: a resend after that is applied again (changing
      // nothing) and published again.
      this.logger.warn({ msg: 'could not confirm dedupe marks of recorded statuses', events: claimed.length, error: String(error) }),
    );
    return { confirmed };
  }

  private message({ observation: o, receivedAt, correlationId }: ReceivedCallback, delivery: TrackedDelivery): OutgoingMessage {
    const event: DeliveryStatusEventV1 = {
      type: 'delivery.status',
      version: 1,
      eventId: deliveryEventId(o.identity),
      deliveryId: delivery.id,
      alertId: delivery.alertId,
      memberId: delivery.memberId,
      channel: delivery.channel,
      status: o.mapping!.status,
      provider: o.provider,
      providerStatus: o.providerStatus.slice(0, 64),
      ...(o.providerId ? { providerId: o.providerId.slice(0, 128) } : {}),
      ...(o.mapping!.reason ? { reason: o.mapping!.reason } : {}),
      ...(o.mapping!.errorCode ? { errorCode: o.mapping!.errorCode.slice(0, 32) } : {}),
      acknowledged: o.acknowledged,
      occurredAt: (o.occurredAt ?? receivedAt).toISOString(),
      receivedAt: receivedAt.toISOString(),
    };
    // Keyed by member: a member's events stay in order with their jobs (ADR 0003). The alert's
    // correlation id, looked up with the delivery, follows the event to its projections (ADR 0010);
    // for an alert from before ids were kept, the webhook request's, as the bus would stamp it.
    const headers: Record<string, string> = { [HEADERS.eventType]: event.type };
    const followed = delivery.correlationId ?? correlationId;
    if (followed) headers[HEADERS.correlationId] = followed;
    return { topic: TOPICS.deliveryEvents, key: delivery.memberId, value: event, headers };
  }
}

/**
 * Providers do not echo traceparent, so a callback starts a trace of its own. The alert row keeps
 * the trace the alert was announced in (ADR 0020): each webhook request's span, and the batch's,
 * get a link to the trace of every alert their callbacks are about (once per alert).
 */
function linkToAlertTraces(callbacks: ReceivedCallback[], known: Map<string, TrackedDelivery>, batchSpan: Span | undefined): void {
  const linked = new Map<Span, Set<string>>();
  const link = (span: Span | undefined, traceContext: string, delivery: TrackedDelivery): void => {
    if (!span?.isRecording()) return;
    const target = spanContextOf(traceContext);
    const seen = linked.get(span) ?? new Set<string>();
    linked.set(span, seen);
    if (!target || seen.has(target.traceId)) return;
    seen.add(target.traceId);
    span.addLink({ context: target, attributes: { [TRACE_ATTRIBUTES.alertId]: delivery.alertId } });
  };
  for (const callback of callbacks) {
    const delivery = callback.observation.deliveryId ? known.get(callback.observation.deliveryId) : undefined;
    if (!delivery?.traceContext) continue;
    link(callback.requestSpan, delivery.traceContext, delivery);
    link(batchSpan, delivery.traceContext, delivery);
  }
}

/** One link per webhook request of the batch (a request may bring many callbacks). */
function requestLinks(callbacks: ReceivedCallback[]): Link[] {
  const spans = new Set(callbacks.flatMap((c) => (c.requestSpan?.isRecording() ? [c.requestSpan] : [])));
  return [...spans].map((span) => ({ context: span.spanContext() }));
}
