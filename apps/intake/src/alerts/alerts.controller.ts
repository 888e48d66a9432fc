import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import type { Principal } from '@bin-alert/domain';
import { CurrentPrincipal, Roles, ZodBodyPipe, currentCorrelationId } from '@bin-alert/platform';
import { AlertIssuingService } from './alert-issuing.service';
import { IssueAlertRequest, issueAlertRequest } from './issue-alert.request';

@Controller('v1/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertIssuingService) {}

  @Post()
  @Roles('operator', 'supervisor')
  @HttpCode(201)
  async issue(
    @Body(new ZodBodyPipe(issueAlertRequest)) body: IssueAlertRequest,
    @Res({ passthrough: true }) res: Response,
    @CurrentPrincipal() issuer: Principal,
  ) {
    // The request's, as the observability middleware accepted it (the caller's x-correlation-id, or a new one).
    const correlationId = currentCorrelationId() ?? randomUUID();
    const { id, issuedAt } = await this.alerts.issue(body, issuer, correlationId);
    res.setHeader('Location', `/v1/alerts/${id}`).setHeader('x-correlation-id', correlationId);
    return { id, status: 'issued', issuedAt: issuedAt.toISOString(), links: { self: `/v1/alerts/${id}` } };
  }

  @Get(':id')
  async get(@Param('id', new ParseUUIDPipe({ version: '4' })) id: string) {
    const { alert, binIds, channels } = await this.alerts.find(id);
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
