import { Controller, Get, Injectable, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CSV_MEDIA_TYPE, CsvDelimiter, MembershipCountRow, MessagesSentRow, Principal, ReportAnswer, alertReachCsv, membershipCountsCsv, messagesSentCsv } from '@bin-alert/domain';
import { ReportPeriod, ReportsService } from '@bin-alert/reports';
import { ApiDoc, CurrentPrincipal, RequestValidationError, Roles } from '@bin-alert/platform';
import { REPORT_DOCS as DOCS, reportFormatQuery, reportPeriodQuery as period } from './reports.docs';

/** How the caller asked for a report: JSON, or CSV with its separator. */
type ReportFormat = { format: 'json' } | { format: 'csv'; delimiter: CsvDelimiter };

function formatOf(q: { format?: 'json' | 'csv'; delimiter?: CsvDelimiter }): ReportFormat {
  return q.format === 'csv' ? { format: 'csv', delimiter: q.delimiter ?? 'comma' } : { format: 'json' };
}

/**
 * Answers the report as JSON, or as a CSV attachment: the same rows through the same checks, only
 * written differently, so the figures of the two can never differ.
 */
function answer<T>(res: Response, format: ReportFormat, filename: string, json: T, csv: (delimiter: CsvDelimiter) => string): T | string {
  if (format.format === 'json') return json;
  res.type(CSV_MEDIA_TYPE).attachment(filename);
  return csv(format.delimiter);
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** How a report is asked for in the query: its period and BINs, and JSON or CSV. */
@Injectable()
export class ReportScope {
  period(query: unknown): ReportPeriod & { format: ReportFormat } {
    const parsed = period.safeParse(query);
    if (!parsed.success) throw RequestValidationError.fromZod(parsed.error);
    const year = new Date().getUTCFullYear();
    const from = new Date(`${parsed.data.from ?? `${year}-01-01`}T00:00:00Z`);
    const to = new Date(`${parsed.data.to ?? `${year + 1}-01-01`}T00:00:00Z`);
    if (to <= from) throw new RequestValidationError([{ field: 'to', reason: 'must be after from' }]);
    if (to.getTime() - from.getTime() > 5 * 366 * 86_400_000) throw new RequestValidationError([{ field: 'to', reason: 'at most five years after from' }]);
    return {
      binIds: parsed.data.bins
        ? parsed.data.bins
            .split(',')
            .map((b) => b.trim())
            .filter(Boolean)
        : null,
      from,
      to,
      format: formatOf(parsed.data),
    };
  }

  format(query: unknown): ReportFormat {
    const parsed = reportFormatQuery.safeParse(query);
    if (!parsed.success) throw RequestValidationError.fromZod(parsed.error);
    return formatOf(parsed.data);
  }
}

/** The boards' yearly overview, membership over time, and an alert's reach; board members see their BINs only. */
@Controller('v1/reports')
@Roles('board', 'operator', 'supervisor', 'admin')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly scope: ReportScope,
  ) {}

  @Get('messages')
  @ApiDoc(DOCS.messages)
  async messages(@CurrentPrincipal() principal: Principal, @Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    const p = this.scope.period(query);
    const { bins, rows } = await this.reports.messagesSent(principal, p);
    const json: ReportAnswer<MessagesSentRow> = { from: p.from.toISOString(), to: p.to.toISOString(), bins, rows };
    return answer(res, p.format, `bin-alert-messages-${day(p.from)}-${day(p.to)}.csv`, json, (d) => messagesSentCsv(rows, d));
  }

  @Get('membership')
  @ApiDoc(DOCS.membership)
  async membership(@CurrentPrincipal() principal: Principal, @Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    const p = this.scope.period(query);
    const { bins, rows } = await this.reports.membershipCounts(principal, p);
    const json: ReportAnswer<MembershipCountRow> = { from: p.from.toISOString(), to: p.to.toISOString(), bins, rows };
    return answer(res, p.format, `bin-alert-membership-${day(p.from)}-${day(p.to)}.csv`, json, (d) => membershipCountsCsv(rows, d));
  }

  /** Counts only members of the caller's BINs among those the alert targeted (ReportsService). */
  @Get('alerts/:id/reach')
  @ApiDoc(DOCS.reach)
  async reach(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe({ version: '4' })) id: string,
    @Query() query: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    const format = this.scope.format(query);
    const { bins, channels } = await this.reports.alertReach(principal, id);
    return answer(res, format, `bin-alert-reach-${id}.csv`, { alertId: id, bins, channels }, (d) => alertReachCsv(channels, d));
  }
}
