import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Principal, RequestOrigin } from '@bin-alert/domain';
import { ApiDoc, CurrentOrigin, CurrentPrincipal, Roles, ZodBodyPipe } from '@bin-alert/platform';
import { AlertIssuingService } from './alert-issuing.service';
import { IssueAlertRequest, issueAlertRequest } from './issue-alert.request';
import { GET_ALERT_DOC, ISSUE_ALERT_DOC } from './alerts.docs';

@Controller('v1/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertIssuingService) {}

  @Post()
  @ApiDoc(ISSUE_ALERT_DOC)
  @Roles('operator', 'supervisor')
  @HttpCode(201)
  async issue(
    @Body(new ZodBodyPipe(issueAlertRequest)) body: IssueAlertRequest,
    @CurrentOrigin() origin: Required<RequestOrigin>,
    @Res({ passthrough: true }) res: Response,
    @CurrentPrincipal() issuer: Principal,
  ) {
    const { id, issuedAt } = await this.alerts.issue(body, issuer, origin);
    res.setHeader('Location', `/v1/alerts/${id}`);
    return { id, status: 'issued', issuedAt: issuedAt.toISOString(), links: { self: `/v1/alerts/${id}` } };
  }

  @Get(':id')
  @ApiDoc(GET_ALERT_DOC)
  async get(@Param('id', new ParseUUIDPipe({ version: '4' })) id: string, @CurrentPrincipal() reader: Principal) {
    const { alert, binIds, channels } = await this.alerts.find(id, reader);
    return {
      id: alert.id,
      status: alert.status,
      category: alert.categoryCode,
      urgency: alert.urgency,
      redistributionAllowed: alert.redistributionAllowed,
      bins: binIds,
      texts: alert.texts,
      issuedAt: alert.issuedAt,
      deliveries: channels,
    };
  }
}
