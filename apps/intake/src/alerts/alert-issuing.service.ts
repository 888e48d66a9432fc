import { ForbiddenException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AlertIssuedV1, HEADERS, TOPICS } from '@bin-alert/contracts';
import { AUDIT_ACTIONS, AlertText, Language, Principal, RequestOrigin, binsOutsideScope, coversAnyBin } from '@bin-alert/domain';
import { AlertRepository, AlertWithCounts, ReferenceDataRepository } from '@bin-alert/persistence';
import { AppMetrics, FieldProblem, RequestValidationError } from '@bin-alert/platform';
import { OutboxRelay } from '@bin-alert/messaging';
import { IssueAlertRequest } from './issue-alert.request';

export const OUTBOX_RELAY = Symbol('OUTBOX_RELAY');

@Injectable()
export class AlertIssuingService {
  private readonly logger = new Logger('alerts');

  constructor(
    private readonly alerts: AlertRepository,
    private readonly references: ReferenceDataRepository,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay,
    private readonly metrics: AppMetrics,
  ) {}

  /**
   * Stores the alert and its announcement in one transaction, then wakes the relay. Once this
   * returns, the alert will reach Kafka even if Kafka is down right now.
   */
  async issue(request: IssueAlertRequest, issuer: Principal, origin: Required<RequestOrigin>): Promise<{ id: string; issuedAt: Date }> {
    const { correlationId } = origin;
    const category = await this.references.findCategory(request.category);
    const problems: FieldProblem[] = [];
    if (!category) {
      const known = (await this.references.listCategories()).map((c) => c.code).join(', ');
      problems.push({ field: 'category', reason: `unknown category '${request.category}'; known: ${known}` });
    }
    const unknownBins = await this.references.unknownBinIds(request.bins);
    for (const id of unknownBins) problems.push({ field: `bins[${request.bins.indexOf(id)}]`, reason: `unknown BIN '${id}'` });
    if (problems.length > 0) throw new RequestValidationError(problems);
    const outside = binsOutsideScope(issuer, await this.references.findBins(request.bins));
    if (outside.length > 0) throw new ForbiddenException(`not in your police zone: ${outside.join(', ')}`);

    const id = randomUUID();
    const issuedAt = new Date();
    const urgency = request.urgency ?? category!.defaultUrgency;
    const texts = Object.fromEntries(Object.entries(request.texts).filter(([, t]) => t)) as Partial<Record<Language, AlertText>>;
    const event: AlertIssuedV1 = {
      type: 'alert.issued',
      version: 1,
      alertId: id,
      category: category!.code,
      urgency,
      binIds: request.bins,
      redistributionAllowed: request.redistributionAllowed ?? urgency !== 'urgent',
      texts,
      issuedAt: issuedAt.toISOString(),
    };
    await this.alerts.issue(
      { id, categoryCode: event.category, urgency, redistributionAllowed: event.redistributionAllowed, binIds: request.bins, texts, issuedAt, correlationId },
      { topic: TOPICS.alerts, key: id, payload: event, headers: { [HEADERS.correlationId]: correlationId, [HEADERS.eventType]: event.type } },
      {
        actor: issuer,
        action: AUDIT_ACTIONS.alertIssued,
        target: { type: 'alert', id },
        details: { category: event.category, urgency, bins: request.bins, redistributionAllowed: event.redistributionAllowed, languages: Object.keys(texts) },
        origin,
      },
    );
    this.logger.log({ msg: 'alert issued', alertId: id, issuedBy: issuer.accountId, category: event.category, urgency, bins: request.bins, correlationId });
    this.metrics.alertsIssued.inc({ category: event.category, urgency });
    this.relay.kick();
    return { id, issuedAt };
  }

  /**
   * The alert, if the reader's scope covers at least one of its BINs. One outside it is answered
   * exactly like one that does not exist, so that nobody can probe for alert ids.
   */
  async find(id: string, reader: Principal): Promise<AlertWithCounts> {
    const found = await this.alerts.findWithCounts(id);
    if (!found || !coversAnyBin(reader, await this.references.findBins(found.binIds))) throw new NotFoundException(`no alert with id ${id}`);
    return found;
  }
}
