import { SimCredentials } from '../sim-credentials';
import { SendGridApiError } from './sendgrid-api.error';

/** `Authorization: Bearer <API key>`, as @sendgrid/client sends it after setApiKey; the refusal if not. */
export function sendGridAuthRefusal(credentials: SimCredentials, authorization: string | undefined): SendGridApiError | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return !match || match[1] !== credentials.sendgridApiKey ? SendGridApiError.unauthorized() : undefined;
}
