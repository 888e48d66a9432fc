import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { SimCredentials } from '../sim-credentials';
import { TwilioApiError, twilioErrors } from './twilio-api.error';

interface TwilioRequest {
  headers: IncomingHttpHeaders;
  params: Record<string, string | undefined>;
  path: string;
}

/** HTTP Basic with AccountSid:AuthToken of either account, and the URL's account must be the authenticated one. */
@Injectable()
export class TwilioBasicAuthGuard implements CanActivate {
  constructor(private readonly credentials: SimCredentials) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<TwilioRequest>();
    const refusal = twilioAuthRefusal(this.credentials, request.headers.authorization, request.params.sid, request.path);
    if (refusal) throw refusal;
    return true;
  }
}

/** Why Twilio would refuse this request's credentials for account `sid`, if it would. */
export function twilioAuthRefusal(credentials: SimCredentials, authorization: string | undefined, sid: string | undefined, path: string): TwilioApiError | undefined {
  const presented = basicCredentials(authorization);
  if (!presented || credentials.twilioAuthTokenOf(presented.username) !== presented.password) {
    return twilioErrors.authenticationFailed();
  }
  if (sid !== presented.username) return twilioErrors.resourceNotFound(path);
  return undefined;
}

function basicCredentials(header: string | undefined): { username: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
