import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { LifecycleAnswer, Principal, RequestOrigin, previewAlert, readCapAlert, shownStatus, writeCapAlert } from '@bin-alert/domain';
import { APP_CONFIG, ApiDoc, AppConfig, CurrentOrigin, CurrentPrincipal, RequestValidationError, Roles, ZodBodyPipe } from '@bin-alert/platform';
import { AlertIssuingService, CAP_FIELDS, Composition, LifecycleOutcome } from '@bin-alert/alerts';
import { DOCS, GET_ALERT_DOC, ISSUE_ALERT_DOC } from './alerts.docs';
import { FollowUpRequest, IssueAlertRequest, RejectionRequest, followUpRequest, issueAlertRequest, rejectionRequest } from './issue-alert.request';

/** OASIS CAP 1.2 documents, on import (POST /v1/alerts) and export (GET /v1/alerts/:id/cap). */
export const CAP_MEDIA_TYPE = 'application/cap+xml';

const uuid = new ParseUUIDPipe({ version: '4' });

@Controller('v1/alerts')
export class AlertsController {
  constructor(
    private readonly alerts: AlertIssuingService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Composes an alert and issues it, or holds it for approval where the zone requires a second
   * person. JSON, or an OASIS CAP 1.2 document (Content-Type: application/cap+xml) whose msgType
   * Update or Cancel follows up the alert its references name.
   */
  @Post()
  @ApiDoc(ISSUE_ALERT_DOC)
  @Roles('operator', 'supervisor')
  @HttpCode(201)
  async issue(
    @Body() body: unknown,
    @Req() req: Request,
    @CurrentOrigin() origin: Required<RequestOrigin>,
    @Res({ passthrough: true }) res: Response,
    @CurrentPrincipal() issuer: Principal,
  ) {
    if (!req.is([CAP_MEDIA_TYPE, 'application/json'])) {
      throw new RequestValidationError([{ field: 'body', code: 'unreadable', reason: `an alert as application/json or a CAP 1.2 document as ${CAP_MEDIA_TYPE}` }], 415);
    }
    const answer = req.is(CAP_MEDIA_TYPE) ? await this.importCap(body, issuer, origin) : await this.compose(body, issuer, origin);
    return this.created(answer, res);
  }

  /** A board member's proposal, or an operator's draft: stored, sent only once the police issue it. */
  @Post('drafts')
  @ApiDoc(DOCS.draft)
  @Roles('operator', 'supervisor', 'board')
  @HttpCode(201)
  async draft(
    @Body(new ZodBodyPipe(issueAlertRequest)) body: IssueAlertRequest,
    @CurrentOrigin() origin: Required<RequestOrigin>,
    @Res({ passthrough: true }) res: Response,
    @CurrentPrincipal() author: Principal,
  ) {
    return this.created(await this.alerts.compose({ ...body, messageType: 'alert', asDraft: true }, author, origin), res);
  }

  /** Exactly what each channel will send to a member of each language, with the SMS cost. */
  @Post('preview')
  @ApiDoc(DOCS.preview)
  @Roles('operator', 'supervisor', 'board')
  @HttpCode(200)
  async previewRequest(@Body(new ZodBodyPipe(issueAlertRequest)) body: IssueAlertRequest) {
    const category = await this.alerts.categoryOrRefuse(body.category);
    const urgency = body.urgency ?? category.defaultUrgency;
    const content = this.alerts.contentOf({ ...body, urgency, redistributionAllowed: body.redistributionAllowed ?? urgency !== 'urgent', texts: definedTexts(body.texts) });
    return { smsSegmentBudget: this.config.SMS_SEGMENT_BUDGET, languages: previewAlert(content, { segmentBudget: this.config.SMS_SEGMENT_BUDGET }) };
  }

  @Get(':id/preview')
  @ApiDoc(DOCS.storedPreview)
  async preview(@Param('id', uuid) id: string, @CurrentPrincipal() reader: Principal) {
    const { alert } = await this.alerts.find(id, reader);
    const content = this.alerts.contentOf(alert);
    return { id, smsSegmentBudget: this.config.SMS_SEGMENT_BUDGET, languages: previewAlert(content, { segmentBudget: this.config.SMS_SEGMENT_BUDGET }) };
  }

  @Post(':id/issue')
  @ApiDoc(DOCS.submit)
  @Roles('operator', 'supervisor')
  @HttpCode(200)
  async submit(@Param('id', uuid) id: string, @CurrentOrigin() origin: Required<RequestOrigin>, @CurrentPrincipal() principal: Principal) {
    return this.answer(await this.alerts.submit(id, principal, origin));
  }

  @Post(':id/approve')
  @ApiDoc(DOCS.approve)
  @Roles('supervisor')
  @HttpCode(200)
  async approve(@Param('id', uuid) id: string, @CurrentOrigin() origin: Required<RequestOrigin>, @CurrentPrincipal() principal: Principal) {
    return this.answer(await this.alerts.approve(id, principal, origin));
  }

  @Post(':id/reject')
  @ApiDoc(DOCS.reject)
  @Roles('supervisor')
  @HttpCode(200)
  async reject(
    @Param('id', uuid) id: string,
    @Body(new ZodBodyPipe(rejectionRequest)) body: RejectionRequest,
    @CurrentOrigin() origin: Required<RequestOrigin>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.answer(await this.alerts.reject(id, body.reason, principal, origin));
  }

  /** New text for exactly the members the original reached. */
  @Post(':id/update')
  @ApiDoc(DOCS.update)
  @Roles('operator', 'supervisor')
  @HttpCode(201)
  async update(
    @Param('id', uuid) id: string,
    @Body(new ZodBodyPipe(followUpRequest)) body: FollowUpRequest,
    @CurrentOrigin() origin: Required<RequestOrigin>,
    @Res({ passthrough: true }) res: Response,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.followUp('update', id, body, principal, res, origin);
  }

  /** "Person found": ends the alert for exactly the members it reached. Never waits for approval. */
  @Post(':id/cancel')
  @ApiDoc(DOCS.cancel)
  @Roles('operator', 'supervisor')
  @HttpCode(201)
  async cancel(
    @Param('id', uuid) id: string,
    @Body(new ZodBodyPipe(followUpRequest)) body: FollowUpRequest,
    @CurrentOrigin() origin: Required<RequestOrigin>,
    @Res({ passthrough: true }) res: Response,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.followUp('cancel', id, body, principal, res, origin);
  }

  @Get(':id/cap')
  @ApiDoc(DOCS.capExport)
  async cap(@Param('id', uuid) id: string, @Res() res: Response, @CurrentPrincipal() reader: Principal) {
    res
      .status(200)
      .type(CAP_MEDIA_TYPE)
      .send(writeCapAlert(await this.alerts.capExportOf(id, reader)));
  }

  @Get(':id')
  @ApiDoc(GET_ALERT_DOC)
  async get(@Param('id', uuid) id: string, @CurrentPrincipal() reader: Principal) {
    const { alert, binIds, channels, cancelled } = await this.alerts.find(id, reader);
    return {
      id: alert.id,
      status: shownStatus({ state: alert.status, expiresAt: alert.expiresAt, cancelled }, new Date()),
      kind: alert.kind,
      messageType: alert.messageType,
      references: alert.referencesAlertId,
      category: alert.categoryCode,
      urgency: alert.urgency,
      redistributionAllowed: alert.redistributionAllowed,
      bins: binIds,
      texts: alert.texts,
      createdBy: alert.createdBy,
      approvedBy: alert.approvedBy,
      ...(alert.status === 'rejected' ? { rejectedBy: alert.rejectedBy, rejectionReason: alert.rejectionReason } : {}),
      issuedAt: alert.issuedAt,
      expiresAt: alert.expiresAt,
      deliveries: channels,
      links: { self: `/v1/alerts/${alert.id}`, cap: `/v1/alerts/${alert.id}/cap`, preview: `/v1/alerts/${alert.id}/preview` },
    };
  }

  private compose(body: unknown, issuer: Principal, origin: Required<RequestOrigin>): Promise<LifecycleOutcome> {
    const request = new ZodBodyPipe(issueAlertRequest).transform(body);
    return this.alerts.compose({ ...request, messageType: 'alert', asDraft: false }, issuer, origin);
  }

  private async importCap(body: unknown, issuer: Principal, origin: Required<RequestOrigin>): Promise<LifecycleOutcome> {
    if (typeof body !== 'string' || body.trim() === '') throw new RequestValidationError([{ field: 'body', code: 'required', reason: 'a CAP 1.2 alert document' }]);
    const read = readCapAlert(body);
    if (!read.ok) throw new RequestValidationError(read.problems);
    const cap = read.alert;
    await this.alerts.refuseKnownCapIdentity(cap);
    if (cap.expiresAt && cap.expiresAt.getTime() <= Date.now())
      throw new RequestValidationError([{ field: 'alert.info.expires', code: 'in_the_past', reason: 'the alert has expired already' }]);
    const composition: Composition = {
      category: cap.categoryCode,
      urgency: cap.urgency,
      bins: cap.binIds,
      redistributionAllowed: cap.redistributionAllowed,
      texts: cap.texts,
      kind: cap.kind,
      expiresAt: cap.expiresAt,
      messageType: cap.messageType,
      referencesAlertId: cap.messageType === 'alert' ? undefined : await this.alerts.resolveCapReferences(cap),
      asDraft: cap.asDraft,
      cap: { sender: cap.sender, identifier: cap.identifier, sent: cap.sent, details: cap.details },
    };
    return this.alerts.compose(composition, issuer, origin, CAP_FIELDS);
  }

  private async followUp(messageType: 'update' | 'cancel', id: string, body: FollowUpRequest, principal: Principal, res: Response, origin: Required<RequestOrigin>) {
    const answer = await this.alerts.compose({ ...body, category: null, bins: [], messageType, referencesAlertId: id, asDraft: false }, principal, origin);
    return this.created(answer, res);
  }

  private created(answer: LifecycleOutcome, res: Response): LifecycleAnswer {
    res.setHeader('Location', `/v1/alerts/${answer.id}`);
    return this.answer(answer);
  }

  private answer({ id, status, issuedAt }: LifecycleOutcome): LifecycleAnswer {
    return { id, status, issuedAt: issuedAt?.toISOString() ?? null, links: { self: `/v1/alerts/${id}`, cap: `/v1/alerts/${id}/cap` } };
  }
}

function definedTexts<T>(texts: Partial<Record<string, T | undefined>>): Record<string, T> {
  return Object.fromEntries(Object.entries(texts).filter(([, t]) => t)) as Record<string, T>;
}
