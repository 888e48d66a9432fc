import { Controller, ForbiddenException, Get, Injectable, NotFoundException, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CSV_MEDIA_TYPE, CsvDelimiter, Principal, alertReachCsv, binsOutsideScope, membershipCountsCsv, messagesSentCsv } from '@bin-alert/domain';
import { ReferenceDataRepository, ReportRepository } from '@bin-alert/persistence';
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

/** Which BINs a report covers: those asked for, all of them in the caller's scope, or a 403 naming the others. */
@Injectable()
export class ReportScope {
  constructor(private readonly references: ReferenceDataRepository) {}

  async bins(principal: Principal, asked: string[] | null): Promise<string[]> {
    const all = await this.references.listBins();
    if (!asked) return all.filter((b) => binsOutsideScope(principal, [{ id: b.id, policeZone: b.policeZone }]).length === 0).map((b) => b.id);
    const known = all.filter((b) => asked.includes(b.id));
    const unknown = asked.filter((id) => !known.some((b) => b.id === id));
    if (unknown.length > 0) throw new RequestValidationError(unknown.map((id) => ({ field: 'bins', reason: `unknown BIN '${id}'` })));
    const outside = binsOutsideScope(principal, known.map((b) => ({ id: b.id, policeZone: b.policeZone })));
    if (outside.length > 0) throw new ForbiddenException(`not your BIN: ${outside.join(', ')}`);
    return asked;
  }

  period(query: unknown): { binIds: string[] | null; from: Date; to: Date; format: ReportFormat } {
    const parsed = period.safeParse(query);
    if (!parsed.success) throw RequestValidationError.fromZod(parsed.error);
    const year = new Date().getUTCFullYear();
    const from = new Date(`${parsed.data.from ?? `${year}-01-01`}T00:00:00Z`);
    const to = new Date(`${parsed.data.to ?? `${year + 1}-01-01`}T00:00:00Z`);
    if (to <= from) throw new RequestValidationError([{ field: 'to', reason: 'must be after from' }]);
    if (to.getTime() - from.getTime() > 5 * 366 * 86_400_000) throw new RequestValidationError([{ field: 'to', reason: 'at most five years after from' }]);
    return { binIds: parsed.data.bins ? parsed.data.bins.split(',').map((b) => b.trim()).filter(Boolean) : null, from, to, format: formatOf(parsed.data) };
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
    private readonly reports: ReportRepository,
    private readonly scope: ReportScope,
  ) {}

  @Get('messages')
  @ApiDoc(DOCS.messages)
  async messages(@CurrentPrincipal() principal: Principal, @Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    const p = this.scope.period(query);
    const bins = await this.scope.bins(principal, p.binIds);
    const rows = await this.reports.messagesSent(bins, p.from, p.to);
    return answer(res, p.format, `bin-alert-messages-${day(p.from)}-${day(p.to)}.csv`, { from: p.from, to: p.to, bins, rows }, (d) => messagesSentCsv(rows, d));
  }

  @Get('membership')
  @ApiDoc(DOCS.membership)
  async membership(@CurrentPrincipal() principal: Principal, @Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    const p = this.scope.period(query);
    const bins = await this.scope.bins(principal, p.binIds);
    const rows = await this.reports.membershipCounts(bins, p.from, p.to);
    return answer(res, p.format, `bin-alert-membership-${day(p.from)}-${day(p.to)}.csv`, { from: p.from, to: p.to, bins, rows }, (d) => membershipCountsCsv(rows, d));
  }

  /** Counts only members of the caller's BINs among those the alert targeted. */
  @Get('alerts/:id/reach')
  @ApiDoc(DOCS.reach)
  async reach(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe({ version: '4' })) id: string,
    @Query() query: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    const format = this.scope.format(query);
    const targeted = await this.reports.alertBins(id);
    if (!targeted) throw new NotFoundException(`no alert with id ${id}`);
    const visible = (await this.scope.bins(principal, null)).filter((b) => targeted.includes(b));
    if (visible.length === 0) throw new ForbiddenException('the alert targeted none of your BINs');
    const channels = await this.reports.alertReach(id, visible);
    return answer(res, format, `bin-alert-reach-${id}.csv`, { alertId: id, bins: visible, channels }, (d) => alertReachCsv(channels, d));
  }
}
