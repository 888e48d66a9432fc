import { Controller, ForbiddenException, Get, Injectable, NotFoundException, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { Principal, binsOutsideScope } from '@bin-alert/domain';
import { ReferenceDataRepository, ReportRepository } from '@bin-alert/persistence';
import { ApiDoc, CurrentPrincipal, RequestValidationError, Roles } from '@bin-alert/platform';
import { REPORT_DOCS as DOCS, reportPeriodQuery as period } from './reports.docs';

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

  period(query: unknown): { binIds: string[] | null; from: Date; to: Date } {
    const parsed = period.safeParse(query);
    if (!parsed.success) throw RequestValidationError.fromZod(parsed.error);
    const year = new Date().getUTCFullYear();
    const from = new Date(`${parsed.data.from ?? `${year}-01-01`}T00:00:00Z`);
    const to = new Date(`${parsed.data.to ?? `${year + 1}-01-01`}T00:00:00Z`);
    if (to <= from) throw new RequestValidationError([{ field: 'to', reason: 'must be after from' }]);
    if (to.getTime() - from.getTime() > 5 * 366 * 86_400_000) throw new RequestValidationError([{ field: 'to', reason: 'at most five years after from' }]);
    return { binIds: parsed.data.bins ? parsed.data.bins.split(',').map((b) => b.trim()).filter(Boolean) : null, from, to };
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
  async messages(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    const p = this.scope.period(query);
    const bins = await this.scope.bins(principal, p.binIds);
    return { from: p.from, to: p.to, bins, rows: await this.reports.messagesSent(bins, p.from, p.to) };
  }

  @Get('membership')
  @ApiDoc(DOCS.membership)
  async membership(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    const p = this.scope.period(query);
    const bins = await this.scope.bins(principal, p.binIds);
    return { from: p.from, to: p.to, bins, rows: await this.reports.membershipCounts(bins, p.from, p.to) };
  }

  /** Counts only members of the caller's BINs among those the alert targeted. */
  @Get('alerts/:id/reach')
  @ApiDoc(DOCS.reach)
  async reach(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe({ version: '4' })) id: string) {
    const targeted = await this.reports.alertBins(id);
    if (!targeted) throw new NotFoundException(`no alert with id ${id}`);
    const visible = (await this.scope.bins(principal, null)).filter((b) => targeted.includes(b));
    if (visible.length === 0) throw new ForbiddenException('the alert targeted none of your BINs');
    return { alertId: id, bins: visible, channels: await this.reports.alertReach(id, visible) };
  }
}
