import { Controller, Get, Param, ParseUUIDPipe, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { ALERT_STATES, AlertListAnswer, Principal, alertVisibility } from '@bin-alert/domain';
import { AlertListCursor, AlertOverviewRepository } from '@bin-alert/persistence';
import { ApiDoc, CurrentPrincipal, ZodBodyPipe } from '@bin-alert/platform';
import { AlertDashboardService } from '@bin-alert/alerts';
import { decodeAlertListCursor, encodeAlertListCursor } from './alert-list-cursor';
import { DASHBOARD_DOCS } from './dashboard.docs';

const cursor = z.string().transform((text, ctx): AlertListCursor => {
  const decoded = decodeAlertListCursor(text);
  if (!decoded) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'not a cursor this API gave out (use the "next" of the previous page)', params: { code: 'bad_format' } });
  return decoded ?? z.NEVER;
});

const listQuery = z
  .object({
    limit: z.coerce.number().int('a whole number').min(1, 'at least 1').max(100, 'at most 100').default(20),
    before: cursor.optional(),
    /** Only alerts in this stored state, e.g. `awaiting_approval` for a supervisor's queue. */
    state: z.enum(ALERT_STATES).optional(),
  })
  .strict();

/** Keeps proxies from closing a quiet stream, and lets the server notice a viewer who left. */
const HEARTBEAT_MS = 15_000;

/**
 * What the console reads: the alerts of the caller's scope, an alert's dashboard, and its live
 * feed. Every route needs a token (the global guard); scope is the domain's alertVisibility.
 */
@Controller('v1/alerts')
export class AlertOverviewController {
  constructor(
    private readonly overview: AlertOverviewRepository,
    private readonly dashboards: AlertDashboardService,
  ) {}

  /** Newest first, with per-channel counts; `next` is the cursor of the following page, or null. */
  @Get()
  @ApiDoc(DASHBOARD_DOCS.list)
  async list(@Query(new ZodBodyPipe(listQuery)) query: z.infer<typeof listQuery>, @CurrentPrincipal() principal: Principal): Promise<AlertListAnswer> {
    const page = await this.overview.listVisible(alertVisibility(principal), query.limit, query.before, query.state);
    return {
      alerts: page.alerts,
      next: page.next ? encodeAlertListCursor(page.next) : null,
    };
  }

  @Get(':id/dashboard')
  @ApiDoc(DASHBOARD_DOCS.dashboard)
  async dashboard(@Param('id', new ParseUUIDPipe({ version: '4' })) id: string, @CurrentPrincipal() principal: Principal) {
    await this.dashboards.assertVisible(id, principal);
    return this.dashboards.dashboard(id);
  }

  /**
   * Server-Sent Events: a `dashboard` event with the whole document at once, then one whenever it
   * changes. Authenticated like every other route, with the Authorization header: the console
   * reads the stream with fetch, not EventSource, so no token ever travels in a URL (ADR 0012).
   */
  @Get(':id/events')
  @ApiDoc(DASHBOARD_DOCS.events)
  async events(@Param('id', new ParseUUIDPipe({ version: '4' })) id: string, @CurrentPrincipal() principal: Principal, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.dashboards.assertVisible(id, principal);
    const first = await this.dashboards.dashboard(id);
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      // nginx and similar would otherwise hold the events back in a buffer.
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    const send = (dashboard: unknown) => res.write(`event: dashboard\ndata: ${JSON.stringify(dashboard)}\n\n`);
    res.write('retry: 3000\n\n');
    send(first);
    const stop = this.dashboards.watch(id, send);
    const heartbeat = setInterval(() => res.write(': still here\n\n'), HEARTBEAT_MS);
    const release = this.dashboards.holdOpen(() => res.end());
    req.on('close', () => {
      clearInterval(heartbeat);
      stop();
      release();
    });
  }
}
