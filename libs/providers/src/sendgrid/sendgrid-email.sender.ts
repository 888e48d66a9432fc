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
      const [response] = await this.mail.send({
        from: { email: this.settings.fromEmail, name: this.settings.fromName },
        subject: batch.subject,
        text: batch.text,
        html: batch.html,
        personalizations: batch.recipients.map((recipient) => ({
          to: [{ email: recipient.to }],
          customArgs: { delivery_id: recipient.deliveryId },
          ...(recipient.headers ? { headers: recipient.headers } : {}),
          ...(recipient.substitutions ? { substitutions: recipient.substitutions } : {}),
        })),
        // The SDK wraps every substitution key in `{{ }}` unless told otherwise; the port's keys
        // are already the tags as they appear in the content.
        substitutionWrappers: ['', ''],
        headers: batch.headers,
        categories: batch.categories,
      });
      return { providerId: messageIdOf(response.headers) };
    } catch (error: unknown) {
      throw new ProviderError('sendgrid', sendGridFailure(error));
    }
  }
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
