import { TwilioSmsSender, SendGridEmailSender } from '@bin-alert/providers';
import { SimFixture, startSimFixture } from '../testing/sim-fixture';

describe('simulator phones page', () => {
  let fixture: SimFixture;

  beforeAll(async () => {
    fixture = await startSimFixture();
  });
  afterAll(() => fixture.sim.close());
  beforeEach(() => fixture.clear());

  it('serves one self-contained HTML page that polls the feed', async () => {
    const response = await fetch(`${fixture.sim.url}/__sim/phones`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('/__sim/phones/feed');
    // No external assets: nothing is loaded from anywhere but the simulator itself.
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/innerHTML/);
  });

  it('feeds the latest messages, newest first, as a phone or an inbox shows them', async () => {
    const sms = new TwilioSmsSender(fixture.settings.twilio);
    await sms.send({ deliveryId: 'd-1', to: '+32470123456', body: 'eerste' });
    await sms.send({ deliveryId: 'd-2', to: '+32470123456', body: 'tweede' });
    await new SendGridEmailSender(fixture.settings.sendgrid).sendBatch({
      subject: 'Onderwerp',
      text: 'Tekst',
      html: '<p>Tekst</p>',
      recipients: [{ deliveryId: 'd-3', to: 'anna@example.be' }],
    });

    const feed = (await (await fetch(`${fixture.sim.url}/__sim/phones/feed?limit=2`)).json()) as { messages: Array<Record<string, unknown>> };

    expect(feed).toMatchObject({ total: 3, byChannel: { sms: 2, email: 1, voice: 0 } });
    expect(feed.messages).toEqual([
      expect.objectContaining({ channel: 'email', to: 'anna@example.be', title: 'Onderwerp', body: 'Tekst' }),
      expect.objectContaining({ channel: 'sms', to: '+32470123456', body: 'tweede' }),
    ]);
    expect(feed.messages[0]).not.toHaveProperty('html');
  });

  it('shows each inbox the e-mail with its own links substituted', async () => {
    await new SendGridEmailSender(fixture.settings.sendgrid).sendBatch({
      subject: 'Onderwerp',
      text: 'Voorkeuren: -prefs-',
      html: '<p>-prefs-</p>',
      recipients: [
        { deliveryId: 'd-1', to: 'anna@example.be', substitutions: { '-prefs-': 'https://bin.example/preferences?token=a' } },
        { deliveryId: 'd-2', to: 'bart@example.be', substitutions: { '-prefs-': 'https://bin.example/preferences?token=b' } },
      ],
    });

    const feed = (await (await fetch(`${fixture.sim.url}/__sim/phones/feed`)).json()) as { byChannel: Record<string, number>; messages: Array<Record<string, unknown>> };

    expect(feed.byChannel.email).toBe(2);
    expect(feed.messages.map((m) => [m.to, m.body])).toEqual([
      ['bart@example.be', 'Voorkeuren: https://bin.example/preferences?token=b'],
      ['anna@example.be', 'Voorkeuren: https://bin.example/preferences?token=a'],
    ]);
  });

  it('opens one e-mail as its recipient received it: the HTML with their own links, under a policy that runs no script', async () => {
    await new SendGridEmailSender(fixture.settings.sendgrid).sendBatch({
      subject: 'Onderwerp',
      text: 'Voorkeuren: -prefs-',
      html: '<p><a href="-prefs-">Voorkeuren</a></p>',
      recipients: [
        { deliveryId: 'd-1', to: 'anna@example.be', substitutions: { '-prefs-': 'https://bin.example/preferences?token=a' } },
        { deliveryId: 'd-2', to: 'bart@example.be', substitutions: { '-prefs-': 'https://bin.example/preferences?token=b' } },
      ],
    });
    const feed = (await (await fetch(`${fixture.sim.url}/__sim/phones/feed`)).json()) as { messages: Array<{ emailId: string; to: string }> };
    const anna = feed.messages.find((m) => m.to === 'anna@example.be')!;

    const response = await fetch(`${fixture.sim.url}/__sim/phones/email/${encodeURIComponent(anna.emailId)}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'unsafe-inline';/);
    expect(await response.text()).toBe('<p><a href="https://bin.example/preferences?token=a">Voorkeuren</a></p>');
    expect((await fetch(`${fixture.sim.url}/__sim/phones/email/SG-none`)).status).toBe(404);
    expect(await (await fetch(`${fixture.sim.url}/__sim/phones`)).text()).toContain("'/__sim/phones/email/' + encodeURIComponent(m.emailId)");
  });

  it('refuses a limit that is not a whole number from 1 to 1000', async () => {
    for (const limit of ['0', 'ten', '1001']) expect((await fetch(`${fixture.sim.url}/__sim/phones/feed?limit=${limit}`)).status).toBe(400);
  });
});
