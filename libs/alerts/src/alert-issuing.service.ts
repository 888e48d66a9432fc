import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AlertIssuedV1, HEADERS, TOPICS } from '@bin-alert/contracts';
import {
  AlertContent,
  AlertKind,
  AlertText,
  CapAlert,
  CapDetails,
  CapExport,
  DomainError,
  Language,
  LifecycleRefusal,
  MessageType,
  Principal,
  Urgency,
  AUDIT_ACTIONS,
  AuditEntry,
  RequestOrigin,
  approvalRefusal,
  approvalRequired,
  binsOutsideScope,
  coversAnyBin,
  compositionRefusal,
  followUpRefusal,
  rejectionRefusal,
  submitRefusal,
} from '@bin-alert/domain';
import { AlertEntity, AlertRepository, CategoryEntity, AlertWithCounts, OutboxMessage, ReferenceDataRepository, StoredAlert } from '@bin-alert/persistence';
import { APP_CONFIG, AppConfig, AppMetrics, FieldProblem, RequestValidationError, traceHeaders } from '@bin-alert/platform';
import { OUTBOX_RELAY, OutboxRelay } from '@bin-alert/messaging';

/** What the operator (or a CAP feed) asks for; the fields are those of the request it came in. */
export interface Composition {
  category: string | null;
  urgency?: Urgency;
  bins: string[];
  redistributionAllowed?: boolean | null;
  texts: Partial<Record<Language, AlertText | undefined>>;
  kind?: AlertKind;
  expiresAt?: Date | null;
  messageType: MessageType;
  /** An update or cancel: the alert it follows up. */
  referencesAlertId?: string;
  /** Stored as a draft: nothing is sent until the police issue it. */
  asDraft: boolean;
  cap?: { sender: string; identifier: string; sent: Date; details: CapDetails };
}

/** How the fields of a composition are named in the request, so that a 400 points at the right place. */
export interface FieldNames {
  category: string;
  bin: (index: number) => string;
  kind: string;
}

export const JSON_FIELDS: FieldNames = { category: 'category', bin: (i) => `bins[${i}]`, kind: 'kind' };
export const CAP_FIELDS: FieldNames = { category: 'alert.info.eventCode', bin: (i) => `alert.info.area.geocode[${i}]`, kind: 'alert.status' };

/** Where a lifecycle step left the alert; the API answers it as the domain's LifecycleAnswer. */
export interface LifecycleOutcome {
  id: string;
  status: StoredAlert['alert']['status'];
  issuedAt: Date | null;
}

/**
 * The alert lifecycle (ADR 0008): compose (draft, awaiting approval or issued at once), issue a
 * draft, approve or reject, update and cancel. An alert is announced on Kafka through the outbox in the
 * same transaction that makes it issued, and never before.
 * Every step here is an alert action for the audit log (issue 4 item 7): compose, submit,
 * approve, reject, follow-up and CAP import, each with the principal and the correlation id.
 */
@Injectable()
export class AlertIssuingService {
  private readonly logger = new Logger('alerts');

  constructor(
    private readonly alerts: AlertRepository,
    private readonly references: ReferenceDataRepository,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: AppMetrics,
  ) {}

  async compose(request: Composition, principal: Principal, origin: Required<RequestOrigin>, fields: FieldNames = JSON_FIELDS): Promise<LifecycleOutcome> {
    const { correlationId } = origin;
    let original: StoredAlert | null = null;
    if (request.referencesAlertId) {
      original = await this.alerts.find(request.referencesAlertId);
      if (!original) throw new DomainError('alert.not_found', `no alert with id ${request.referencesAlertId}`);
      refuseIf(followUpRefusal({ state: original.alert.status, messageType: original.alert.messageType, cancelled: original.cancelled }, request.messageType));
      // Actual and test never mix: a test cancel must not reach the real audience, nor the reverse.
      if (request.kind && request.kind !== original.alert.kind) {
        throw new RequestValidationError([{ field: fields.kind, reason: `the alert referred to is ${original.alert.kind}; a follow-up of it must be ${original.alert.kind} too` }]);
      }
    }
    const categoryCode = original?.alert.categoryCode ?? request.category ?? '';
    const binIds = original?.binIds ?? request.bins;
    const category = await this.references.findCategory(categoryCode);
    const problems: FieldProblem[] = [];
    if (!category) problems.push({ field: fields.category, code: 'unknown', reason: await this.unknownCategory(categoryCode) });
    for (const id of await this.references.unknownBinIds(binIds)) problems.push({ field: fields.bin(binIds.indexOf(id)), code: 'unknown', reason: `unknown BIN '${id}'` });
    if (problems.length > 0) throw new RequestValidationError(problems);
    const bins = await this.references.findBins(binIds);
    const outside = binsOutsideScope(principal, bins);
    if (outside.length > 0) throw new DomainError('alert.outside_scope', `not in your police zone: ${outside.join(', ')}`);

    // A follow-up keeps the original's urgency, hence its lane: on the same lane and the member's
    // partition, it cannot overtake the original for the same member (ADR 0008).
    const urgency = original?.alert.urgency ?? request.urgency ?? category!.defaultUrgency;
    refuseIf(compositionRefusal(principal, { urgency, messageType: request.messageType, asDraft: request.asDraft }));
    const needsApproval = approvalRequired(this.config.APPROVAL_REQUIRED_FOR, {
      urgency,
      messageType: request.messageType,
      binIds,
      zoneBinIds: await this.zoneBinIds(bins[0].policeZone),
    });
    const state = request.asDraft ? 'draft' : needsApproval ? 'awaiting_approval' : 'issued';
    const issuedAt = state === 'issued' ? new Date() : null;
    const id = randomUUID();
    const alert = {
      id,
      categoryCode: category!.code,
      urgency,
      redistributionAllowed: request.redistributionAllowed ?? original?.alert.redistributionAllowed ?? urgency !== 'urgent',
      binIds,
      texts: Object.fromEntries(Object.entries(request.texts).filter(([, t]) => t)) as Partial<Record<Language, AlertText>>,
      issuedAt,
      state,
      kind: original?.alert.kind ?? request.kind ?? 'actual',
      messageType: request.messageType,
      referencesAlertId: original?.alert.id ?? null,
      audienceAlertId: original ? (original.alert.audienceAlertId ?? original.alert.id) : null,
      expiresAt: request.expiresAt ?? null,
      createdBy: principal.accountId,
      submittedBy: request.asDraft ? null : principal.accountId,
      capSender: request.cap?.sender ?? this.config.CAP_SENDER,
      capIdentifier: request.cap?.identifier ?? id,
      capSent: request.cap?.sent ?? new Date(),
      capDetails: request.cap?.details ?? null,
      correlationId,
    } as const;
    const announcement =
      state === 'issued'
        ? this.announcement({ ...alert, referencesAlertId: alert.referencesAlertId, audienceAlertId: alert.audienceAlertId, issuedAt: issuedAt! }, correlationId)
        : null;
    try {
      const action = state === 'issued' ? AUDIT_ACTIONS.alertIssued : state === 'draft' ? AUDIT_ACTIONS.alertDrafted : AUDIT_ACTIONS.alertSubmitted;
      await this.alerts.create(
        alert,
        announcement,
        audited(principal, action, id, origin, {
          messageType: alert.messageType,
          kind: alert.kind,
          references: alert.referencesAlertId,
          category: alert.categoryCode,
          urgency,
          redistributionAllowed: alert.redistributionAllowed,
          bins: binIds,
          languages: Object.keys(alert.texts),
          ...(request.cap ? { capIdentifier: request.cap.identifier } : {}),
        }),
      );
    } catch (error) {
      // Two imports of the same CAP alert at once: the unique index decides, the loser is told.
      if ((error as { constraint?: string }).constraint === 'alerts_cap_identity')
        throw new DomainError('alert.cap_identity_taken', `alert.identifier: ${alert.capSender} already sent an alert with identifier ${alert.capIdentifier}`);
      throw error;
    }
    this.logger.log({
      msg: `alert ${state}`,
      alertId: id,
      by: principal.accountId,
      messageType: alert.messageType,
      kind: alert.kind,
      references: alert.referencesAlertId,
      category: alert.categoryCode,
      urgency,
      bins: binIds,
      correlationId,
    });
    if (announcement) this.announced(alert.categoryCode, urgency);
    return { id, status: state, issuedAt };
  }

  /** The police issue a draft (their own, or a board member's proposal): at once, or for approval. */
  async submit(id: string, principal: Principal, origin: Required<RequestOrigin>): Promise<LifecycleOutcome> {
    const { correlationId } = origin;
    const stored = await this.findInScope(id, principal);
    refuseIf(submitRefusal(lifecycleOf(stored.alert), new Date()));
    const original = stored.alert.referencesAlertId ? await this.alerts.find(stored.alert.referencesAlertId) : null;
    if (original) refuseIf(followUpRefusal({ state: original.alert.status, messageType: original.alert.messageType, cancelled: original.cancelled }, stored.alert.messageType));
    const zoneBinIds = await this.zoneBinIds((await this.references.findBins(stored.binIds))[0].policeZone);
    const needsApproval = approvalRequired(this.config.APPROVAL_REQUIRED_FOR, {
      urgency: stored.alert.urgency,
      messageType: stored.alert.messageType,
      binIds: stored.binIds,
      zoneBinIds,
    });
    const issuedAt = needsApproval ? undefined : new Date();
    const to = needsApproval ? 'awaiting_approval' : 'issued';
    const announcement = issuedAt ? this.announcement({ ...fromEntity(stored), issuedAt }, correlationId) : null;
    const audit = audited(principal, to === 'issued' ? AUDIT_ACTIONS.alertIssued : AUDIT_ACTIONS.alertSubmitted, id, origin, { from: 'draft' });
    if (!(await this.alerts.transition(id, { from: 'draft', to, submittedBy: principal.accountId, issuedAt }, announcement, audit)))
      throw new DomainError('alert.changed_meanwhile', 'the alert changed meanwhile; read it again');
    this.logger.log({ msg: `alert ${to}`, alertId: id, by: principal.accountId, correlationId });
    if (announcement) this.announced(stored.alert.categoryCode, stored.alert.urgency);
    return { id, status: to, issuedAt: issuedAt ?? null };
  }

  /** Four eyes: a supervisor other than the author issues an alert awaiting approval. */
  async approve(id: string, principal: Principal, origin: Required<RequestOrigin>): Promise<LifecycleOutcome> {
    const { correlationId } = origin;
    const stored = await this.findInScope(id, principal);
    refuseIf(approvalRefusal(lifecycleOf(stored.alert), principal, new Date()));
    const issuedAt = new Date();
    const announcement = this.announcement({ ...fromEntity(stored), issuedAt }, correlationId);
    const audit = audited(principal, AUDIT_ACTIONS.alertApproved, id, origin, { author: stored.alert.createdBy });
    if (!(await this.alerts.transition(id, { from: 'awaiting_approval', to: 'issued', approvedBy: principal.accountId, issuedAt }, announcement, audit))) {
      throw new DomainError('alert.changed_meanwhile', 'the alert is no longer awaiting approval');
    }
    this.logger.log({ msg: 'alert approved and issued', alertId: id, by: principal.accountId, author: stored.alert.createdBy, correlationId });
    this.announced(stored.alert.categoryCode, stored.alert.urgency);
    return { id, status: 'issued', issuedAt };
  }

  /** A supervisor refuses an alert awaiting approval (or its author withdraws it): it is never sent. */
  async reject(id: string, reason: string, principal: Principal, origin: Required<RequestOrigin>): Promise<LifecycleOutcome> {
    const { correlationId } = origin;
    const stored = await this.findInScope(id, principal);
    refuseIf(rejectionRefusal(lifecycleOf(stored.alert), principal));
    if (
      !(await this.alerts.transition(
        id,
        { from: 'awaiting_approval', to: 'rejected', rejectedBy: principal.accountId, rejectionReason: reason },
        null,
        audited(principal, AUDIT_ACTIONS.alertRejected, id, origin, { author: stored.alert.createdBy, reason }),
      ))
    ) {
      throw new DomainError('alert.changed_meanwhile', 'the alert is no longer awaiting approval');
    }
    this.logger.log({ msg: 'alert rejected', alertId: id, by: principal.accountId, author: stored.alert.createdBy, correlationId });
    return { id, status: 'rejected', issuedAt: null };
  }

  /** The alert a CAP `references` list names: the last entry this system knows (CAP lists oldest first). */
  async resolveCapReferences(cap: CapAlert): Promise<string> {
    for (const reference of [...cap.references].reverse()) {
      const id = await this.alerts.findIdByCapIdentity(reference.sender, reference.identifier);
      if (id) return id;
    }
    throw new RequestValidationError([
      { field: 'alert.references', code: 'unknown', reason: `names no alert known here: ${cap.references.map((r) => `${r.sender},${r.identifier}`).join(' ')}` },
    ]);
  }

  async refuseKnownCapIdentity(cap: CapAlert): Promise<void> {
    if (await this.alerts.findIdByCapIdentity(cap.sender, cap.identifier)) {
      throw new DomainError('alert.cap_identity_taken', `alert.identifier: ${cap.sender} already sent an alert with identifier ${cap.identifier}`);
    }
  }

  async categoryOrRefuse(code: string): Promise<CategoryEntity> {
    const category = await this.references.findCategory(code);
    if (!category) throw new RequestValidationError([{ field: 'category', code: 'unknown', reason: await this.unknownCategory(code) }]);
    return category;
  }

  private async unknownCategory(code: string): Promise<string> {
    const known = (await this.references.listCategories()).map((c) => c.code).join(', ');
    return `unknown category '${code}'; known: ${known}`;
  }

  /** An alert the reader's scope covers (one of its BINs); any other is "not found", so ids cannot be probed. */
  async find(id: string, reader: Principal): Promise<AlertWithCounts> {
    const found = await this.alerts.findWithCounts(id);
    if (!found || !coversAnyBin(reader, await this.references.findBins(found.binIds))) throw new DomainError('alert.not_found', `no alert with id ${id}`);
    return found;
  }

  /** What rendering needs, for the preview of a stored alert or of a request. */
  contentOf(alert: { id?: string; urgency: Urgency; redistributionAllowed: boolean; texts: AlertContent['texts']; kind?: AlertKind; messageType?: MessageType }): AlertContent {
    return {
      alertId: alert.id ?? 'preview',
      urgency: alert.urgency,
      redistributionAllowed: alert.redistributionAllowed,
      texts: alert.texts,
      kind: alert.kind,
      messageType: alert.messageType,
      fallbackLanguage: this.config.ZONE_DEFAULT_LANGUAGE,
    };
  }

  /** The alert as CAP sees it: an imported one with the rest of its document, a follow-up referencing its whole chain. */
  async capExportOf(id: string, reader: Principal): Promise<CapExport> {
    const { alert, binIds } = await this.find(id, reader);
    const category = await this.references.findCategory(alert.categoryCode);
    const bins = await this.references.findBins(binIds);
    return {
      sender: alert.capSender ?? this.config.CAP_SENDER,
      identifier: alert.capIdentifier ?? alert.id,
      sent: alert.capSent ?? alert.issuedAt ?? alert.createdAt,
      unissued: alert.status !== 'issued',
      kind: alert.kind,
      messageType: alert.messageType,
      references: await this.capReferencesOf(alert),
      categoryCode: alert.categoryCode,
      categoryName: category?.name ?? alert.categoryCode,
      urgency: alert.urgency,
      redistributionAllowed: alert.redistributionAllowed,
      bins: binIds.map((binId) => ({ id: binId, name: bins.find((b) => b.id === binId)?.name ?? binId })),
      texts: alert.texts,
      expiresAt: alert.expiresAt,
      details: alert.capDetails,
    };
  }

  /**
   * CAP 1.2 `references`: every earlier message of the alert (the follow-ups before it back to the
   * original), oldest first, not just the one it follows up; plus what an imported document
   * referenced that this system never received (another system's part of the chain), as written.
   */
  private async capReferencesOf(alert: AlertEntity): Promise<CapExport['references']> {
    const references: CapExport['references'] = [...(alert.capDetails?.references ?? [])];
    const named = (sender: string, identifier: string) => references.some((r) => r.sender === sender && r.identifier === identifier);
    // A chain is an original and its follow-ups; the bound only guards against a cycle in bad data.
    for (let id = alert.referencesAlertId, steps = 0; id && steps < 1_000; steps++) {
      const earlier = (await this.alerts.find(id))?.alert;
      if (!earlier) break;
      const sender = earlier.capSender ?? this.config.CAP_SENDER;
      const identifier = earlier.capIdentifier ?? earlier.id;
      if (!named(sender, identifier)) references.push({ sender, identifier, sent: earlier.capSent ?? earlier.createdAt });
      id = earlier.referencesAlertId;
    }
    const instant = (sent: Date | string) => (typeof sent === 'string' ? Date.parse(sent) : sent.getTime());
    return references.sort((a, b) => instant(a.sent) - instant(b.sent));
  }

  private async findInScope(id: string, principal: Principal): Promise<StoredAlert> {
    const stored = await this.alerts.find(id);
    if (!stored) throw new DomainError('alert.not_found', `no alert with id ${id}`);
    const outside = binsOutsideScope(principal, await this.references.findBins(stored.binIds));
    if (outside.length > 0) throw new DomainError('alert.outside_scope', `not in your police zone: ${outside.join(', ')}`);
    return stored;
  }

  private announced(category: string, urgency: Urgency): void {
    this.metrics.alertsIssued.inc({ category, urgency });
    this.relay.kick();
  }

  private async zoneBinIds(policeZone: string): Promise<string[]> {
    return (await this.references.listBins()).filter((b) => b.policeZone === policeZone).map((b) => b.id);
  }

  private announcement(alert: AnnouncedAlert, correlationId: string): OutboxMessage {
    const event: AlertIssuedV1 = {
      type: 'alert.issued',
      version: 1,
      alertId: alert.id,
      category: alert.categoryCode,
      urgency: alert.urgency,
      binIds: alert.binIds,
      redistributionAllowed: alert.redistributionAllowed,
      texts: alert.texts as AlertIssuedV1['texts'],
      issuedAt: alert.issuedAt.toISOString(),
      kind: alert.kind,
      messageType: alert.messageType,
      ...(alert.referencesAlertId ? { referencesAlertId: alert.referencesAlertId } : {}),
      ...(alert.audienceAlertId ? { audienceAlertId: alert.audienceAlertId } : {}),
      ...(alert.expiresAt ? { expiresAt: alert.expiresAt.toISOString() } : {}),
      fallbackLanguage: this.config.ZONE_DEFAULT_LANGUAGE,
    };
    // The request's trace context is kept with the record: the relay publishes it later, outside the request (ADR 0020).
    return { topic: TOPICS.alerts, key: alert.id, payload: event, headers: { ...traceHeaders(), [HEADERS.correlationId]: correlationId, [HEADERS.eventType]: event.type } };
  }
}

interface AnnouncedAlert {
  id: string;
  categoryCode: string;
  urgency: Urgency;
  binIds: string[];
  redistributionAllowed: boolean;
  texts: Partial<Record<Language, AlertText>>;
  issuedAt: Date;
  kind: AlertKind;
  messageType: MessageType;
  referencesAlertId: string | null;
  audienceAlertId: string | null;
  expiresAt: Date | null;
}

function fromEntity({ alert, binIds }: StoredAlert): Omit<AnnouncedAlert, 'issuedAt'> {
  return { ...alert, binIds };
}

function lifecycleOf(alert: AlertEntity) {
  return { state: alert.status, createdBy: alert.createdBy, submittedBy: alert.submittedBy, expiresAt: alert.expiresAt };
}

function refuseIf(refusal: LifecycleRefusal | null): void {
  if (!refusal) return;
  throw new DomainError(refusal.code, refusal.reason);
}

function audited(actor: Principal, action: string, alertId: string, origin: Required<RequestOrigin>, details: Record<string, unknown>): AuditEntry {
  return { actor, action, target: { type: 'alert', id: alertId }, details, origin };
}
