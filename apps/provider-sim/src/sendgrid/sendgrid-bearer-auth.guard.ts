import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { SimCredentials } from '../sim-credentials';
import { SendGridApiError } from './sendgrid-api.error';

/** `Authorization: Bearer <API key>`, as @sendgrid/client sends it after setApiKey. */
@Injectable()
export class SendGridBearerAuthGuard implements CanActivate {
  constructor(private readonly credentials: SimCredentials) {}

  canActivate(context: ExecutionContext): boolean {
    const { headers } = context.switchToHttp().getRequest<{ headers: IncomingHttpHeaders }>();
    const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
    if (!match || match[1] !== this.credentials.sendgridApiKey) throw SendGridApiError.unauthorized();
    return true;
  }
}
