import { Logger } from '@nestjs/common';
import type { AlertIssuedV1 } from '@bin-alert/contracts';
import { AlertContent, decideRecipient } from '@bin-alert/domain';
import type { HandlerContext } from '@bin-alert/messaging';
import { PermanentMessageError } from '@bin-alert/messaging';
import type { AlertRepository, AudienceRepository, DeliveryRepository, ReferenceDataRepository } from '@bin-alert/persistence';
import { ChannelSender } from './channel-sender';
import { DispatchSettings } from './dispatch-settings';

export interface DispatchSummary {
  alertId: string;
  channel: string;
  candidates: number;
  newRows: number;
  sent: number;
  failed: number;
  planningMs: number;
  sendingMs: number;
}

/**
 * Takes one issued alert through one channel: plans the audience (a delivery row for every member
 * of the target BINs, planned or suppressed with a reason), then sends what is planned.
 * Safe to run again for the same alert: planning inserts nothing new, sending finds nothing
 * left in "planned".
 */
export class AlertDispatcher {
  private readonly logger: Logger;

  constructor(
    private readonly sender: ChannelSender,
    private readonly alerts: AlertRepository,
    private readonly references: ReferenceDataRepository,
    private readonly audience: AudienceRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly settings: DispatchSettings,
  ) {
    this.logger = new Logger(`dispatcher-${sender.channel}`);
  }

  async dispatch(event: AlertIssuedV1, context: HandlerContext, correlationId?: string): Promise<DispatchSummary> {
    const channel = this.sender.channel;
    const log = { alertId: event.alertId, channel, correlationId };
    const category = await this.references.findCategory(event.category);
    if (!category) throw new PermanentMessageError(`unknown category '${event.category}'`);
    if (!(await this.alerts.exists(event.alertId))) throw new PermanentMessageError(`unknown alert ${event.alertId}`);

    const started = Date.now();
    let candidates = 0;
    let newRows = 0;
    let after: string | null = null;
    for (;;) {
      const page = await this.audience.candidatesPage({
        binIds: event.binIds,
        channel,
        categoryCode: category.code,
        afterMemberId: after,
        limit: this.settings.pageSize,
      });
      if (page.length === 0) break;
      newRows += await this.deliveries.recordDecisions(event.alertId, page.map((c) => decideRecipient(c, category.rule)));
      candidates += page.length;
      after = page[page.length - 1].memberId;
      await context.heartbeat();
      if (candidates % (this.settings.pageSize * 20) === 0) this.logger.log({ msg: 'planning', ...log, candidates });
    }
    const planningMs = Date.now() - started;
    this.logger.log({ msg: 'audience planned', ...log, candidates, newRows, planningMs });

    const content: AlertContent = {
      alertId: event.alertId,
      urgency: event.urgency,
      redistributionAllowed: event.redistributionAllowed,
      texts: event.texts,
    };
    let sent = 0;
    let failed = 0;
    for (;;) {
      const claimed = await this.deliveries.claimPlanned(event.alertId, channel, this.settings.pageSize);
      if (claimed.length === 0) break;
      const outcomes = await this.sender.send(claimed, content);
      await this.deliveries.recordOutcomes(outcomes);
      for (const o of outcomes) o.status === 'accepted' ? sent++ : failed++;
      await context.heartbeat();
      this.logger.log({ msg: 'sending', ...log, sent, failed });
    }
    const summary = { alertId: event.alertId, channel, candidates, newRows, sent, failed, planningMs, sendingMs: Date.now() - started - planningMs };
    this.logger.log({ msg: 'alert dispatched', ...summary, correlationId });
    return summary;
  }
}
