import { Mail } from '@sendgrid/helpers/classes';
import { MailService } from '@sendgrid/mail';
import type { EmailBatch } from '../ports';
import { SendGridEmailSender, mailSendBody } from './sendgrid-email.sender';

const settings = { apiKey: 'SG.test', apiBaseUrl: 'http://127.0.0.1:1/', fromEmail: 'bin@politie-aalst.example', fromName: 'BIN Politiezone Aalst' };

/** What the SDK's MailService.send would have put in the request for the same batch. */
function sdkBody(batch: EmailBatch): unknown {
  return Mail.create({
    from: { email: settings.fromEmail, name: settings.fromName },
    subject: batch.subject,
    text: batch.text,
    html: batch.html,
    personalizations: batch.recipients.map((recipient) => ({
      to: [{ email: recipient.to }],
      customArgs: { delivery_id: recipient.deliveryId },
      ...(recipient.headers ? { headers: recipient.headers } : {}),
      ...(recipient.substitutions ? { substitutions: recipient.substitutions } : {}),
    })),
    substitutionWrappers: ['', ''],
    headers: batch.headers,
    categories: batch.categories,
  } as never).toJSON();
}

const batch = (recipients: number): EmailBatch => ({
  subject: 'BIN Aalst: inbraak Kerkstraat {{bin_preferences_url}}',
  text: 'Sluit ramen en deuren.\n{{bin_unsubscribe_url}}',
  html: '<p>Sluit ramen en deuren.</p><a href="{{bin_preferences_url}}">voorkeuren</a>',
  recipients: Array.from({ length: recipients }, (_, i) => ({
    deliveryId: `d-${i}`,
    to: `member${i}@example.be`,
    ...(i % 3 === 0 ? {} : { headers: { 'List-Unsubscribe': `<https://bin.example/u?t=${i}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } }),
    ...(i % 2 === 0 ? { substitutions: { '{{bin_preferences_url}}': `https://bin.example/p?t=${i}`, '{{bin_unsubscribe_url}}': `https://bin.example/u?t=${i}` } } : {}),
  })),
  categories: ['bin-alert', 'normal'],
});

describe('SendGridEmailSender', () => {
  it('builds the mail/send body the SDK helper builds, one personalization per recipient', () => {
    for (const b of [batch(1), batch(7), { ...batch(4), headers: { 'X-Bin': 'yes' } }, { ...batch(2), categories: undefined }]) {
      expect(mailSendBody(settings, b)).toEqual(sdkBody(b));
    }
  });

  it("sends one request through the SDK's client, without the Mail helper", async () => {
    const request = jest.spyOn(MailService.prototype as unknown as { send: () => unknown }, 'send');
    const sender = new SendGridEmailSender(settings);
    const client = (sender as unknown as { mail: { client: { request: (r: unknown) => Promise<unknown> } } }).mail.client;
    const sent: Array<{ method: string; url: string; body: unknown }> = [];
    jest.spyOn(client, 'request').mockImplementation(async (r) => {
      sent.push(r as (typeof sent)[number]);
      return [{ statusCode: 202, headers: { 'x-message-id': 'msg-1' }, body: '' }, ''];
    });

    const b = batch(1000);
    await expect(sender.sendBatch(b)).resolves.toEqual({ providerId: 'msg-1' });

    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'POST', url: '/v3/mail/send' });
    expect((sent[0].body as { personalizations: unknown[] }).personalizations).toHaveLength(1000);
    expect(sent[0].body).toEqual(sdkBody(b));
    expect(request).not.toHaveBeenCalled();
  });
});
