import { Injectable } from '@nestjs/common';
import { AlertReachRow, DomainError, MembershipCountRow, MessagesSentRow, Principal, binsOutsideScope } from '@bin-alert/domain';
import { ReferenceDataRepository, ReportRepository } from '@bin-alert/persistence';

/** The BINs and the time a report covers; no BINs named means all of them in the reader's scope. */
export interface ReportPeriod {
  binIds: string[] | null;
  from: Date;
  to: Date;
}

/** The boards' yearly overview, membership over time, and an alert's reach; board members see their BINs only. */
@Injectable()
export class ReportsService {
  constructor(
    private readonly references: ReferenceDataRepository,
    private readonly reports: ReportRepository,
  ) {}

  async messagesSent(reader: Principal, period: ReportPeriod): Promise<{ bins: string[]; rows: MessagesSentRow[] }> {
    const bins = await this.binsFor(reader, period.binIds);
    return { bins, rows: await this.reports.messagesSent(bins, period.from, period.to) };
  }

  async membershipCounts(reader: Principal, period: ReportPeriod): Promise<{ bins: string[]; rows: MembershipCountRow[] }> {
    const bins = await this.binsFor(reader, period.binIds);
    return { bins, rows: await this.reports.membershipCounts(bins, period.from, period.to) };
  }

  /** Counts only members of the reader's BINs among those the alert targeted. */
  async alertReach(reader: Principal, alertId: string): Promise<{ bins: string[]; channels: AlertReachRow[] }> {
    const targeted = await this.reports.alertBins(alertId);
    if (!targeted) throw new DomainError('alert.not_found', `no alert with id ${alertId}`);
    const bins = (await this.binsFor(reader, null)).filter((b) => targeted.includes(b));
    if (bins.length === 0) throw new DomainError('alert.outside_scope', 'the alert targeted none of your BINs');
    return { bins, channels: await this.reports.alertReach(alertId, bins) };
  }

  /** Which BINs a report covers: those asked for, all of them in the reader's scope, or a refusal naming the others. */
  private async binsFor(reader: Principal, asked: string[] | null): Promise<string[]> {
    const all = await this.references.listBins();
    if (!asked) return all.filter((b) => binsOutsideScope(reader, [{ id: b.id, policeZone: b.policeZone }]).length === 0).map((b) => b.id);
    const known = all.filter((b) => asked.includes(b.id));
    const unknown = asked.filter((id) => !known.some((b) => b.id === id));
    if (unknown.length > 0) {
      const problems = unknown.map((id) => ({ field: 'bins', code: 'unknown' as const, reason: `unknown BIN '${id}'` }));
      throw new DomainError('input.invalid', problems.map((p) => `${p.field}: ${p.reason}`).join('; '), { problems });
    }
    const outside = binsOutsideScope(
      reader,
      known.map((b) => ({ id: b.id, policeZone: b.policeZone })),
    );
    if (outside.length > 0) throw new DomainError('bin.outside_scope', `not your BIN: ${outside.join(', ')}`);
    return asked;
  }
}
