import { Logger } from '@nestjs/common';
import { AlertIssuedV1 } from '@bin-alert/contracts';
import { Channel, Urgency, reachesTestGroupOnly } from '@bin-alert/domain';
import type { HandlerContext, MessageBus } from '@bin-alert/messaging';
import { PermanentMessageError } from '@bin-alert/messaging';
import type { AlertRepository, PlannedPage, PlanningRepository, PlanningTarget, ReferenceDataRepository } from '@bin-alert/persistence';
import type { AppMetrics } from '@bin-alert/platform';
import { DispatchSettings } from './dispatch-settings';
import { rangeJobRecords } from './delivery-jobs';
import { LaneGate } from './lane-gate';

/** Members per job partition in an urgent alert's first page: enough that nearly every partition gets a job. */
const URGENT_FIRST_PAGE_PER_PARTITION = 4;

/**
 * An urgent alert's first page: about one small job per partition (96 members at 24 partitions)
 * instead of a full page, so that its INSERT is short and its first jobs are on the topic sooner;
 * the rest of the audience follows from the snapshot, read while those jobs are being sent.
 */
export function urgentFirstPageSize(settings: Pick<DispatchSettings, 'pageSize' | 'jobPartitions'>): number {
  return Math.min(settings.pageSize, settings.jobPartitions.urgent * URGENT_FIRST_PAGE_PER_PARTITION);
}

export interface ExpansionSummary {
  alertId: string;
  channel: Channel;
  candidates: number;
  newRows: number;
  planned: number;
  jobs: number;
  planningMs: number;
}

/**
 * Stage one of the fan-out, for one channel: plans an issued alert's audience in PostgreSQL, page
 * by page (ADR 0016: the recipient rule of libs/domain evaluated by SQL, one row per member —
 * planned, or suppressed with the reason — written by INSERT … SELECT), and emits each page's
 * planned deliveries as jobs on the alert's lane, ranges of members rather than lists of ids.
 * The audience is the members of the targeted BINs under the category's rule (the test group
 * only for a test or exercise), or, for an update or cancel, the members the original alert
 * reached on this channel (ADR 0008).
 * Running it again for the same alert writes nothing new and re-emits jobs whose deliveries the
 * senders will find already done, so a redelivered alert event is harmless.
 */
export class AlertExpander {
  private readonly logger: Logger;

  constructor(
    private readonly channel: Channel,
    private readonly bus: MessageBus,
    private readonly alerts: AlertRepository,
    private readonly references: ReferenceDataRepository,
    private readonly planning: PlanningRepository,
    private readonly settings: DispatchSettings,
    private readonly metrics?: AppMetrics,
    /** Injectable so that tests can move past quiet hours without waiting for them. */
    private readonly clock: () => Date = () => new Date(),
    /**
     * The instance's gate, shared with its sender: planning an urgent alert closes it, so that the
     * normal lane's chunks stop at their boundary and their provider calls and statements have
     * drained by the time the first urgent job is sent, instead of queuing ahead of it; and a
     * normal alert's planning stops at its next statement until the urgent planning ends (ADR 0063).
     */
    private readonly gate: LaneGate = new LaneGate(),
  ) {
    this.logger = new Logger(`expander-${channel}`);
  }

  /** Runs under the alert's correlation id (the consumer loop sets it): its jobs and log lines carry it. */
  expand(event: AlertIssuedV1, context: HandlerContext): Promise<ExpansionSummary> {
    return event.urgency === 'urgent' ? this.gate.whilePlanningUrgent(() => this.plan(event, context)) : this.plan(event, context);
  }

  private async plan(event: AlertIssuedV1, context: HandlerContext): Promise<ExpansionSummary> {
    const channel = this.channel;
    const log = { alertId: event.alertId, channel };
    // Both at once: each is a round trip on a pool the sending shares, ahead of an urgent alert's first jobs.
    const [category, known] = await Promise.all([this.references.findCategory(event.category), this.alerts.exists(event.alertId)]);
    if (!category) throw new PermanentMessageError(`unknown category '${event.category}'`);
    if (!known) throw new PermanentMessageError(`unknown alert ${event.alertId}`);

    const started = Date.now();
    const lane = event.urgency;
    const content = {
      urgency: event.urgency,
      redistributionAllowed: event.redistributionAllowed,
      texts: event.texts,
      kind: event.kind,
      messageType: event.messageType,
      fallbackLanguage: event.fallbackLanguage,
      category: category.code,
      categoryRule: category.rule,
    };
    const target: PlanningTarget = {
      alertId: event.alertId,
      channel,
      audience: event.audienceAlertId
        ? { kind: 'original', originalAlertId: event.audienceAlertId }
        : { kind: 'bins', binIds: event.binIds, categoryCode: category.code, testGroupOnly: reachesTestGroupOnly(event.kind ?? 'actual') },
      rule: category.rule,
      urgency: event.urgency,
      quietHours: category.quietHours,
      expiresAt: event.expiresAt ? new Date(event.expiresAt) : null,
      jobPartitions: this.settings.jobPartitions[lane],
      jobSize: channel === 'email' ? this.settings.emailJobSize : this.settings.jobSize,
      pageSize: this.settings.pageSize,
      firstPageSize: lane === 'urgent' ? urgentFirstPageSize(this.settings) : this.settings.pageSize,
    };
    const summary = { alertId: event.alertId, channel, candidates: 0, newRows: 0, planned: 0, jobs: 0, planningMs: 0 };
    let logged = 0;
    // The normal lane's planning stops at its next statement while an urgent alert is planned in
    // this instance: its statements (a national audience's snapshot, 5,000-member pages) would
    // queue ahead of the urgent alert's first page, look-up and claim in PostgreSQL (ADR 0063).
    const beforeStatement = lane === 'normal' ? () => this.gate.clearForNormalPlanning() : undefined;
    await this.planning.plan(
      target,
      this.clock,
      async (page) => {
        // Deliveries held for quiet hours are in no job: the DeferredDeliveryReleaser emits them when the hold ends.
        const messages = rangeJobRecords({ alertId: event.alertId, channel, lane, content, expiresAt: event.expiresAt }, page.jobs);
        await this.bus.publish(messages);
        summary.candidates += page.members;
        summary.newRows += Object.values(page.written).reduce((a, n) => a + (n ?? 0), 0);
        summary.planned += page.jobs.reduce((a, j) => a + j.deliveries, 0);
        summary.jobs += messages.length;
        this.count(page, lane);
        await context.heartbeat();
        if (summary.candidates - logged >= 100_000) {
          logged = summary.candidates;
          this.logger.log({ msg: 'expanding', ...log, candidates: summary.candidates, planned: summary.planned, jobs: summary.jobs });
        }
      },
      beforeStatement,
    );
    summary.planningMs = Date.now() - started;
    this.logger.log({ msg: 'alert expanded', ...summary, lane });
    return summary;
  }

  /** Only rows written now: a redelivered alert event must not count its members twice. */
  private count(page: PlannedPage, lane: Urgency): void {
    if (!this.metrics) return;
    const channel = this.channel;
    for (const [outcome, n] of Object.entries(page.written)) {
      if (!n) continue;
      if (outcome === 'planned') this.metrics.deliveriesPlanned.inc({ channel, lane }, n);
      else this.metrics.deliveriesSuppressed.inc({ channel, lane, reason: outcome }, n);
    }
  }
}
