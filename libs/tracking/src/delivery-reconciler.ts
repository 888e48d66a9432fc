import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ProviderAnswer, ReconciliationEnd, ReconciliationPolicy, decideReconciliation } from '@bin-alert/domain';
import type { DeliveryReconciliationRepository, ReconcilableDelivery, ReconciliationRecord } from '@bin-alert/persistence';
import { AppMetrics, PollingLoop } from '@bin-alert/platform';
import { CallbackObservation, callStatusObservation, messageStatusObservation } from './callback-observation';
import type { StatusEventPublisher } from './status-event-publisher';

/** The tracker's reconciliation (RECONCILE_*; ADR 0039). */
export interface ReconciliationSettings extends ReconciliationPolicy {
  /** Lookups per second by this instance at most; 0 turns the reconciliation off. */
  lookupsPerSecond: number;
  pollMs: number;
}

/**
 * The provider port that answers for one delivery (libs/providers' DeliveryStatusLookup, wired by
 * the tracker: this lib knows no provider). Never throws: a failed lookup is a `no_answer`.
 */
export interface ProviderStatusSource {
  lookUp(sent: Pick<ReconcilableDelivery, 'channel' | 'providerId' | 'route'>): Promise<ProviderAnswer>;
}

/** How long a claim keeps other trackers off a delivery beyond the round: a lookup's timeout, with room to spare. */
const CLAIM_MARGIN_SECONDS = 60;

/**
 * Deliveries one page of the walk over the accepted ones reads (ADR 0062), and pages a round walks
 * at most: 100,000 a round, beyond any acceptance rate for a 10 s poll.
 */
const WALK_PAGE = 5_000;
const WALK_PAGES_PER_ROUND = 20;

/**
 * Ends the deliveries whose status callbacks were all lost (a tracker down longer than Twilio
 * retries, a callback given up on a saturated machine, or taken while the delivery was held in doubt): every `pollMs`, it walks the SMS and calls
 * accepted since its last round and opens the reconciliation of those not final (ADR 0062), then claims the open ones
 * that are still not final `afterSeconds` after their last change, asks Twilio for each by its sid
 * (the account of the route that sent it), and reports what Twilio says as the callback would
 * have: same observation, through the StatusEventPublisher, so dedupe, the
 * monotonic rule and the live counters hold as for any callback. A lookup at most
 * every 1/lookupsPerSecond seconds per instance, so it never takes much of the account's API
 * allowance from sending. What the answer comes to (report, ask again later, give up) is the
 * domain's decideReconciliation; the claim (libs/persistence) keeps two trackers from asking
 * about one delivery at once.
 */
export class DeliveryReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('reconciliation');
  private readonly loop: PollingLoop;

  constructor(
    private readonly repository: DeliveryReconciliationRepository,
    private readonly provider: ProviderStatusSource,
    private readonly publisher: Pick<StatusEventPublisher, 'publish'>,
    private readonly settings: ReconciliationSettings,
    private readonly metrics?: AppMetrics,
    private readonly clock: () => Date = () => new Date(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.loop = new PollingLoop(settings.pollMs, () => this.reconcileDue());
  }

  start(): void {
    if (this.settings.lookupsPerSecond > 0) this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** One round: claims what one poll interval's lookups allow, asks, reports, records. Returns how many were looked up. */
  async reconcileDue(): Promise<number> {
    const perRound = Math.max(1, Math.floor((this.settings.lookupsPerSecond * this.settings.pollMs) / 1000));
    const claimSeconds = Math.ceil(this.settings.pollMs / 1000) + CLAIM_MARGIN_SECONDS;
    let due: ReconcilableDelivery[];
    try {
      await this.openAccepted();
      due = await this.repository.claimDue(perRound, this.settings.afterSeconds, claimSeconds);
    } catch (error) {
      this.logger.warn({ msg: 'could not claim deliveries to reconcile; trying again on the next round', error: String(error) });
      return 0;
    }
    if (due.length === 0) return 0;

    const spacingMs = 1000 / this.settings.lookupsPerSecond;
    const answers = await Promise.all(
      due.map(async (delivery, i) => {
        await this.sleep(i * spacingMs);
        return this.ask(delivery);
      }),
    );

    const now = this.clock();
    const records: ReconciliationRecord[] = [];
    const reports: Array<{ delivery: ReconcilableDelivery; observation: CallbackObservation }> = [];
    const results: Record<string, number> = {};
    const ended: Partial<Record<ReconciliationEnd, number>> = {};
    due.forEach((delivery, i) => {
      const answer = answers[i];
      const decision = decideReconciliation({ channel: delivery.channel, status: delivery.status, check: delivery.check, answer, now }, this.settings);
      const result = answer.kind === 'status' ? (decision.report ? 'reported' : 'unchanged') : answer.kind;
      results[result] = (results[result] ?? 0) + 1;
      this.metrics?.reconciliationLookups.inc({ channel: delivery.channel, result });
      if (decision.report && answer.kind === 'status') reports.push({ delivery, observation: observationOf(delivery, answer) });
      if (decision.ended) {
        ended[decision.ended] = (ended[decision.ended] ?? 0) + 1;
        this.metrics?.reconciliationsEnded.inc({ channel: delivery.channel, outcome: decision.ended });
      }
      records.push({ id: delivery.id, askAgainAt: decision.askAgainAt, ended: decision.ended });
    });

    const unreported = await this.publish(reports.map((r) => r.observation));
    if (unreported) {
      // Not known to be published: asked again after the first wait rather than ended (a repeat is a duplicate, dropped).
      const retryAt = new Date(now.getTime() + this.settings.retrySeconds * 1000);
      const failed = new Set(reports.map((r) => r.delivery.id));
      for (const record of records) if (failed.has(record.id)) Object.assign(record, { askAgainAt: retryAt, ended: null });
    }
    try {
      await this.repository.record(records);
    } catch (error) {
      // The claims lapse and the deliveries are looked up again: at worst one more lookup each.
      this.logger.warn({ msg: 'could not record reconciliation outcomes; they are looked up again once their claims lapse', deliveries: records.length, error: String(error) });
    }
    this.logger.log({
      msg: 'deliveries without a final status looked up at the provider',
      looked_up: due.length,
      results,
      reported: unreported ? 0 : reports.length,
      ended,
    });
    return due.length;
  }

  /**
   * Walks the deliveries accepted since the last round, opening the reconciliation of those not
   * final (ADR 0062): page after page while the cursor moves over full pages.
   */
  private async openAccepted(): Promise<void> {
    for (let page = 0; page < WALK_PAGES_PER_ROUND; page++) {
      const walk = await this.repository.openAccepted(this.settings.afterSeconds, WALK_PAGE);
      if (walk.passed < WALK_PAGE) return;
    }
  }

  private async ask(delivery: ReconcilableDelivery): Promise<ProviderAnswer> {
    const answer = await this.provider.lookUp(delivery).catch((error: unknown): ProviderAnswer => ({ kind: 'no_answer', reason: String(error) }));
    if (answer.kind === 'no_answer')
      this.logger.debug({ msg: 'provider lookup got no answer; asked again later', deliveryId: delivery.id, channel: delivery.channel, reason: answer.reason });
    return answer;
  }

  /** True when the reports could not be published (or one was in flight elsewhere). */
  private async publish(observations: CallbackObservation[]): Promise<boolean> {
    if (observations.length === 0) return false;
    try {
      await this.publisher.publish(observations);
      return false;
    } catch (error) {
      this.logger.warn({ msg: 'could not publish reconciled statuses; asked again later', events: observations.length, error: String(error) });
      return true;
    }
  }
}

/**
 * The callback the provider would have posted for this status, under an identity of its own: the
 * real callback of that status may have been taken already and changed nothing (it came while the
 * delivery was held in doubt, `planned`, ADR 0038), and under the same identity the report would
 * be dropped as its duplicate. A late real callback afterwards changes nothing by the
 * monotonic rule, and the live counters count moves, not events.
 */
function observationOf(delivery: ReconcilableDelivery, report: Extract<ProviderAnswer, { kind: 'status' }>): CallbackObservation {
  const observation =
    delivery.channel === 'voice'
      ? callStatusObservation(delivery.id, { CallSid: delivery.providerId, CallStatus: report.providerStatus, AnsweredBy: report.answeredBy })
      : messageStatusObservation(delivery.id, { MessageSid: delivery.providerId, MessageStatus: report.providerStatus, ErrorCode: report.errorCode });
  return { ...observation, identity: `${observation.identity}:reconciled`, occurredAt: observation.occurredAt ?? report.updatedAt };
}
