import { Controller, Get, Query } from '@nestjs/common';
import { AuditTrail } from '@bin-alert/persistence';
import { ApiDoc, Roles, ZodBodyPipe } from '@bin-alert/platform';
import { AuditQuery, auditQuery } from './audit.query';
import { LIST_AUDIT_DOC } from './audit.docs';

/** The audit log, newest first: admins only. */
@Roles('admin')
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditTrail) {}

  @Get()
  @ApiDoc(LIST_AUDIT_DOC)
  async list(@Query(new ZodBodyPipe(auditQuery)) query: AuditQuery) {
    const page = await this.audit.find({
      action: query.action,
      actorAccountId: query.actor,
      targetType: query.targetType,
      targetId: query.targetId,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      before: query.before,
      limit: query.limit,
    });
    const next = page.nextCursor ? `/v1/audit?${new URLSearchParams({ ...stringEntries(query), before: page.nextCursor }).toString()}` : null;
    return { entries: page.entries, nextCursor: page.nextCursor, links: { next } };
  }
}

function stringEntries(query: AuditQuery): Record<string, string> {
  return Object.fromEntries(
    Object.entries(query)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
}
