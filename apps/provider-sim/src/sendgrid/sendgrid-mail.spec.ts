import { EmailBatch, ProviderError, SendGridEmailSender } from '@bin-alert/providers';
import { rejectionOf, SimFixture, startSimFixture } from '../testing/sim-fixture';

describe('SendGrid mail send through the official SDK', () => {
  let fixture: SimFixture;
  let sender: SendGridEmailSender;

  const batch = (recipients: EmailBatch['recipients']): EmailBatch => ({
    subject: 'BIN Aalst: inbraak Kerkstraat',
    text: 'Sluit ramen en deuren.',
    html: '<p>Sluit ramen en deuren.</p>',
    recipients,
    headers: { 'List-Unsubscribe': '<https://bin.example/u>' },
    categories: ['bin-alert', 'urgent'],
  });

  beforeAll(async () => {
    fixture = await startSimFixture();
    sender = new SendGridEmailSender(fixture.settings.sendgrid);
  });
  afterAll(() => fixture.sim.close());
  beforeEach(() => fixture.clear());

  it('records one message per recipient, each with its own delivery_id and the shared X-Message-Id', async () => {
    const recipients = [
      { deliveryId: 'd-1', to: 'an@example.be' },
      { deliveryId: 'd-2', to: 'bart@example.be' },
      { deliveryId: 'd-3', to: 'chloe@example.be' },
    ];

    const accepted = await sender.sendBatch(batch(recipients));

    expect(accepted.providerId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const messages = await fixture.messages('email');
    expect(messages).toHaveLength(3);
    for (const { deliveryId, to } of recipients) {
      const [message] = await fixture.inbox(to);
      expect(message).toMatchObject({
        id: accepted.providerId,
        channel: 'email',
        to,
        from: 'bin@politie-aalst.example',
        subject: 'BIN Aalst: inbraak Kerkstraat',
        text: 'Sluit ramen en deuren.',
        html: '<p>Sluit ramen en deuren.</p>',
        customArgs: { delivery_id: deliveryId },
        categories: ['bin-alert', 'urgent'],
        headers: { 'List-Unsubscribe': '<https://bin.example/u>' },
      });
    }
  });

  it('gives each recipient the content with their own substitutions applied, as SendGrid does', async () => {
    const links = (n: number) => ({ '{{prefs}}': `https://bin.example/preferences?token=p${n}`, '{{unsub}}': `https://bin.example/unsubscribe?token=u${n}` });
    await sender.sendBatch({
      subject: 'Inbraak {{prefs}}',
      text: 'Voorkeuren: {{prefs}}\nUitschrijven: {{unsub}}',
      html: '<a href="{{prefs}}">Voorkeuren</a> <a href="{{unsub}}">Uitschrijven</a>',
      recipients: [
        { deliveryId: 'd-1', to: 'an@example.be', substitutions: links(1) },
        { deliveryId: 'd-2', to: 'bart@example.be', substitutions: links(2) },
        { deliveryId: 'd-3', to: 'chloe@example.be' },
      ],
    });

    for (const [to, n] of [
      ['an@example.be', 1],
      ['bart@example.be', 2],
    ] as const) {
      expect(await fixture.inbox(to)).toMatchObject([
        {
          subject: `Inbraak https://bin.example/preferences?token=p${n}`,
          text: `Voorkeuren: https://bin.example/preferences?token=p${n}\nUitschrijven: https://bin.example/unsubscribe?token=u${n}`,
          html: `<a href="https://bin.example/preferences?token=p${n}">Voorkeuren</a> <a href="https://bin.example/unsubscribe?token=u${n}">Uitschrijven</a>`,
        },
      ]);
    }
    // Without substitutions a tag stays as it was written.
    expect(await fixture.inbox('chloe@example.be')).toMatchObject([{ text: 'Voorkeuren: {{prefs}}\nUitschrijven: {{unsub}}' }]);
    expect((await fixture.messages('email')).map((m) => m.text)).toEqual([
      expect.stringContaining('token=p1'),
      expect.stringContaining('token=p2'),
      expect.stringContaining('{{prefs}}'),
    ]);
  });

  it('sends a batch without the optional headers and categories', async () => {
    const { headers: _headers, categories: _categories, ...plain } = batch([{ deliveryId: 'd-1', to: 'an@example.be' }]);

    await sender.sendBatch(plain);

    expect(await fixture.inbox('an@example.be')).toMatchObject([{ customArgs: { delivery_id: 'd-1' }, categories: [], headers: {} }]);
  });

  it('turns a wrong API key into 401, terminal provider_auth_refused', async () => {
    const wrong = new SendGridEmailSender({ ...fixture.settings.sendgrid, apiKey: 'SG.wrong' });

    const error = await rejectionOf(wrong.sendBatch(batch([{ deliveryId: 'd-1', to: 'an@example.be' }])));

    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'terminal', reason: 'provider_auth_refused', httpStatus: 401 });
  });

  it('refuses 1001 recipients with 400 and delivers none of them', async () => {
    const recipients = Array.from({ length: 1001 }, (_, i) => ({ deliveryId: `d-${i}`, to: `member${i}@example.be` }));

    const error = await rejectionOf(sender.sendBatch(batch(recipients)));

    expect(error).toMatchObject({ kind: 'terminal', reason: 'provider_refused_http_400', httpStatus: 400 });
    expect((error as ProviderError).detail).toContain('personalizations');
    expect(await fixture.messages('email')).toEqual([]);
  });

  it('accepts exactly 1000 recipients', async () => {
    const recipients = Array.from({ length: 1000 }, (_, i) => ({ deliveryId: `d-${i}`, to: `member${i}@example.be` }));

    await sender.sendBatch(batch(recipients));

    expect(await fixture.messages('email')).toHaveLength(1000);
  });

  it('refuses an address twice in one request, without quoting it in the error', async () => {
    const recipients = [
      { deliveryId: 'd-1', to: 'gezin@example.be' },
      { deliveryId: 'd-2', to: 'Gezin@example.be' },
    ];

    const error = await rejectionOf(sender.sendBatch(batch(recipients)));

    expect(error).toMatchObject({ kind: 'terminal', httpStatus: 400 });
    expect((error as Error).message.toLowerCase()).not.toContain('gezin@example.be');
  });
});
