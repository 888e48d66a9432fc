import { Logger } from '@nestjs/common';
import { AlertIssuedV1 } from '@bin-alert/contracts';
import { AudienceCandidate, Channel, QuietHoursBehaviour, RecipientDecision, Urgency, decideFollowUpRecipient, decideRecipient, deliveryId, quietHoursDeferral, reachesTestGroupOnly } from '@bin-alert/domain';
import type { HandlerContext, MessageBus, OutgoingMessage } from '@bin-alert/messaging';
import { PermanentMessageError } from '@bin-alert/messaging';
import type { AlertRepository, AudienceRepository, DeliveryRepository, ReferenceDataRepository } from '@bin-alert/persistence';
import type { AppMetrics } from '@bin-alert/platform';
import { DispatchSettings } from './dispatch-settings';
import { deliveryJobRecords } from './delivery-jobs';

function withQuietHours(decision: RecipientDecision, candidate: AudienceCandidate, urgency: Urgency, behaviour: QuietHoursBehaviour, now: Date): RecipientDecision {
  if (!decision.send) return decision;
  const until = quietHoursDeferral(candidate.quietHours, urgency, behaviour, now);
  return until ? { ...decision, deferredUntil: until } : decision;
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
 * Stage one of the fan-out, for one channel: streams the audience of an issued alert page by
 * page (never the whole audience in memory), writes a delivery row per member — planned, or
 * suppressed with the reason — and emits the planned ones as jobs on the alert's lane.
 * The audience comes from one of two sources: the members of the targeted BINs under the
 * category's rule (the test group only for a test or exercise), or, for an update or cancel,
 * the members the original alert reached on this channel (ADR 0008). Everything after the
 * audience — rows, ids, jobs, lanes — is the same path.
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
    private readonly audience: AudienceRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly settings: DispatchSettings,
    private readonly metrics?: AppMetrics,
    /** Injectable so that tests can move past quiet hours without waiting for them. */
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.logger = new Logger(`expander-${channel}`);
  }

  /** Runs under the alert's correlation id (the consumer loop sets it): its jobs and log lines carry it. */
  async expand(event: AlertIssuedV1, context: HandlerContext): Promise<ExpansionSummary> {
    const channel = this.channel;
    const log = { alertId: event.alertId, channel };
    const category = await this.references.findCategory(event.category);
    if (!category) throw new PermanentMessageError(`unknown category '${event.category}'`);
    if (!(await this.alerts.exists(event.alertId))) throw new PermanentMessageError(`unknown alert ${event.alertId}`);

    const started = Date.now();
    const lane = event.urgency;
    const jobSize = channel === 'email' ? this.settings.emailJobSize : this.settings.jobSize;
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
    const expiresAt = event.expiresAt ? new Date(event.expiresAt) : null;
    const page = (after: string | null): Promise<AudienceCandidate[]> =>
      event.audienceAlertId
        ? this.audience.originalRecipientsPage({ originalAlertId: event.audienceAlertId, channel, afterMemberId: after, limit: this.settings.pageSize })
        : this.audience.candidatesPage({
            binIds: event.binIds,
            channel,
            categoryCode: category.code,
            afterMemberId: after,
            limit: this.settings.pageSize,
            testGroupOnly: reachesTestGroupOnly(event.kind ?? 'actual'),
          });
    const decide = (c: AudienceCandidate, now: Date): RecipientDecision => {
      const decision = withQuietHours(event.audienceAlertId ? decideFollowUpRecipient(c) : decideRecipient(c, category.rule), c, event.urgency, category.quietHours, now);
      // Planned after the expiry (a backlog, a dispatcher down): recorded, never sent.
      if (decision.send && expiresAt && expiresAt.getTime() <= now.getTime()) return { send: false, memberId: c.memberId, channel, reason: 'expired' };
      return decision;
    };
    let candidates = 0;
    let newRows = 0;
    let planned = 0;
    let jobs = 0;
    let after: string | null = null;
    for (;;) {
      const candidatesPage = await page(after);
      if (candidatesPage.length === 0) break;
      const now = this.clock();
      const decisions = candidatesPage.map((c) => decide(c, now));
      const fresh = await this.deliveries.recordNewDecisions(event.alertId, decisions);
      newRows += fresh.length;
      this.count(fresh, lane);
      // Deliveries held for quiet hours get their jobs when the hold ends (DeferredDeliveryReleaser).
      const toSend = decisions.filter((d) => d.send && !d.deferredUntil).map((d) => ({ memberId: d.memberId, deliveryId: deliveryId(event.alertId, d.memberId, channel) }));
      const messages: OutgoingMessage[] = deliveryJobRecords({ alertId: event.alertId, channel, lane, content, expiresAt: event.expiresAt }, toSend, jobSize);
      await this.bus.publish(messages);
      candidates += candidatesPage.length;
      planned += toSend.length;
      jobs += messages.length;
      after = candidatesPage[candidatesPage.length - 1].memberId;
      await context.heartbeat();
      if (candidates % (this.settings.pageSize * 20) === 0) this.logger.log({ msg: 'expanding', ...log, candidates, planned, jobs });
    }
    const summary = { alertId: event.alertId, channel, candidates, newRows, planned, jobs, planningMs: Date.now() - started };
    this.logger.log({ msg: 'alert expanded', ...summary, lane });
    return summary;
  }

  /** Only rows written now: a redelivered alert event must not count its members twice. */
  private count(decisions: RecipientDecision[], lane: Urgency): void {
    if (!this.metrics) return;
    const channel = this.channel;
    const planned = decisions.filter((d) => d.send).length;
    if (planned > 0) this.metrics.deliveriesPlanned.inc({ channel, lane }, planned);
    const suppressed = new Map<string, number>();
    for (const d of decisions) if (!d.send) suppressed.set(d.reason, (suppressed.get(d.reason) ?? 0) + 1);
    for (const [reason, n] of suppressed) this.metrics.deliveriesSuppressed.inc({ channel, lane, reason }, n);
  }
}
