import type { Client } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';
import { EmailBatch, EmailSender, ProviderAcceptance } from '../ports';
import { ProviderError } from '../provider-error';
import { SendGridSettings } from '../provider-settings';
import { sendGridFailure } from './sendgrid-failure';

/** MailService keeps its HTTP client in `client`; the typings leave that documented field out. */
type MailServiceWithClient = MailService & { client: Client };

export class SendGridEmailSender implements EmailSender {
  // A dedicated instance: the package's default export is a process-wide singleton whose
  // key and base URL any other import could change.
  private readonly mail: MailServiceWithClient = new MailService() as MailServiceWithClient;

  constructor(private readonly settings: SendGridSettings) {
    // setApiKey resets baseUrl to the real API, so the redirect must come after it.
    this.mail.setApiKey(settings.apiKey);
    if (settings.apiBaseUrl !== null) {
      this.mail.client.setDefaultRequest('baseUrl', withTrailingSlash(settings.apiBaseUrl));
    }
  }

  async sendBatch(batch: EmailBatch): Promise<ProviderAcceptance> {
    try {
      // The SDK's client, with the v3 body built here: MailService.send builds it through its Mail
      // helper, which copies the whole request through JSON twice and re-cases every key of every
      // personalization, twice more per personalization (docs/benchmarks.md, 2026-12-07 e-mail
      // window). The body is the one the helper builds (sendgrid-email.sender.spec.ts).
      const [response] = await this.mail.client.request({ method: 'POST', url: '/v3/mail/send', headers: batch.headers ?? {}, body: mailSendBody(this.settings, batch) });
      return { providerId: messageIdOf(response.headers) };
    } catch (error: unknown) {
      throw new ProviderError('sendgrid', sendGridFailure(error));
    }
  }
}

/** SendGrid's v3 mail/send body for a batch: one personalization per recipient, keys as the API names them. */
export function mailSendBody(settings: Pick<SendGridSettings, 'fromEmail' | 'fromName'>, batch: EmailBatch): Record<string, unknown> {
  const body: Record<string, unknown> = {
    from: settings.fromName === '' ? { email: settings.fromEmail } : { email: settings.fromEmail, name: settings.fromName },
    subject: batch.subject,
    personalizations: batch.recipients.map((recipient) => {
      const personalization: Record<string, unknown> = { to: [{ email: recipient.to }] };
      if (recipient.headers && Object.keys(recipient.headers).length > 0) personalization.headers = recipient.headers;
      if (recipient.substitutions && Object.keys(recipient.substitutions).length > 0) personalization.substitutions = recipient.substitutions;
      personalization.custom_args = { delivery_id: recipient.deliveryId };
      return personalization;
    }),
  };
  if (batch.categories && batch.categories.length > 0) body.categories = batch.categories.filter((c) => c !== '');
  body.content = [
    { value: batch.text, type: 'text/plain' },
    { value: batch.html, type: 'text/html' },
  ];
  if (batch.headers && Object.keys(batch.headers).length > 0) body.headers = batch.headers;
  return body;
}

/**
 * SendGrid always sends X-Message-Id with a 202. Should it ever be missing the batch was still
 * accepted, so it is reported as accepted with an empty id rather than as a failure that the
 * retry policy would turn into duplicate e-mails.
 */
function messageIdOf(headers: unknown): string {
  const value = (headers as Record<string, unknown> | undefined)?.['x-message-id'];
  return typeof value === 'string' ? value : '';
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
