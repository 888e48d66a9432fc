import { TwilioSmsSender } from '@bin-alert/providers';
import { SimFixture, startSimFixture } from '../testing/sim-fixture';

describe('simulator inspection API', () => {
  let fixture: SimFixture;
  let sms: TwilioSmsSender;

  beforeAll(async () => {
    fixture = await startSimFixture();
    sms = new TwilioSmsSender(fixture.settings.twilio);
  });
  afterAll(() => fixture.sim.close());
  beforeEach(() => fixture.clear());

  it('lists an inbox in arrival order, and DELETE clears everything', async () => {
    await sms.send({ deliveryId: 'd-1', to: '+32470123456', body: 'eerste' });
    await sms.send({ deliveryId: 'd-2', to: '+32470123456', body: 'tweede' });
    await sms.send({ deliveryId: 'd-3', to: '+32471234567', body: 'ander' });

    expect((await fixture.inbox('+32470123456')).map((m) => m.body)).toEqual(['eerste', 'tweede']);
    expect(await fixture.messages('sms')).toHaveLength(3);
    expect(await fixture.messages('voice')).toEqual([]);

    await fixture.clear();

    expect(await fixture.messages()).toEqual([]);
    expect(await fixture.inbox('+32470123456')).toEqual([]);
  });

  it('keeps only the configured retention to read back, and counts everything', async () => {
    await fixture.configure({ retention: { messagesPerChannel: 3, messagesPerAddress: 2 } });
    try {
      for (let i = 1; i <= 5; i += 1) await sms.send({ deliveryId: `d-${i}`, to: '+32470123456', body: `bericht ${i}` });
      await sms.send({ deliveryId: 'd-6', to: '+32471234567', body: 'ander' });

      expect((await fixture.messages('sms')).map((m) => m.body)).toEqual(['bericht 4', 'bericht 5', 'ander']);
      expect((await fixture.inbox('+32470123456')).map((m) => m.body)).toEqual(['bericht 4', 'bericht 5']);
      expect((await fixture.stats()).sms).toMatchObject({ accepted: 6, duplicates: 0 });
      const feed = (await (await fetch(`${fixture.sim.url}/__sim/phones/feed`)).json()) as { total: number; messages: unknown[] };
      expect(feed).toMatchObject({ total: 6, byChannel: { sms: 6 } });
      expect(feed.messages).toHaveLength(3);
    } finally {
      await fixture.reset();
    }
  });

  it('reads an unencoded "+" in ?to= as the number it was meant to be', async () => {
    await sms.send({ deliveryId: 'd-1', to: '+32470123456', body: 'plus' });

    const response = await fetch(`${fixture.sim.url}/__sim/inbox?to=+32470123456`);

    expect(await response.json()).toMatchObject({ to: '+32470123456', messages: [{ body: 'plus' }] });
  });

  it('refuses an unknown channel and a missing "to"', async () => {
    expect((await fetch(`${fixture.sim.url}/__sim/messages?channel=fax`)).status).toBe(400);
    expect((await fetch(`${fixture.sim.url}/__sim/inbox`)).status).toBe(400);
  });
});
