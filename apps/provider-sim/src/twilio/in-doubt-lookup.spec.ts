import { TwilioSmsSender, TwilioVoiceCaller, createTwilioClient } from '@bin-alert/providers';
import { SimFixture, startSimFixture } from '../testing/sim-fixture';

/** After a crash a sender asks the provider whether its message went out; the real SDK's list calls. */
describe('in-doubt lookups through the Twilio list resources', () => {
  let fixture: SimFixture;

  beforeAll(async () => {
    fixture = await startSimFixture();
  });

  afterAll(() => fixture.sim.close());

  beforeEach(() => fixture.reset());

  it('lists the SMS sent to the number since the claim, newest first, and nothing else', async () => {
    const sms = new TwilioSmsSender(fixture.settings.twilio);
    const since = new Date();
    const sent = await sms.send({ deliveryId: 'd-1', to: '+32470123001', body: 'Vermist: Lucas (8).' });
    const another = await sms.send({ deliveryId: 'd-2', to: '+32470123001', body: 'Another alert.' });

    const listed = await sms.listSent({ to: '+32470123001', since });
    expect(listed).toEqual([
      { sid: another.providerId, body: 'Another alert.' },
      { sid: sent.providerId, body: 'Vermist: Lucas (8).' },
    ]);
    expect(await sms.listSent({ to: '+32470123002', since })).toEqual([]);
    expect(await sms.listSent({ to: '+32470123001', since: new Date(Date.now() + 60_000) })).toEqual([]);
  });

  it('lists the calls placed to the number since the claim', async () => {
    const voice = new TwilioVoiceCaller(fixture.settings.twilio);
    const since = new Date();
    const placed = await voice.call({ deliveryId: 'd-3', to: '+3253710099', answer: { twiml: '<Response><Say>x</Say></Response>' } });

    expect(await voice.listPlaced({ to: '+3253710099', since })).toEqual([placed.providerId]);
    expect(await voice.listPlaced({ to: '+3253710098', since })).toEqual([]);
  });

  // Real Twilio keeps message and call records for months; the inbox keeps only the latest few
  // thousand. A lookup minutes later, under load, must still find what was sent, or the
  // dispatcher sends it again (the duplicate call of the 100,000-member benchmark, c30fac8).
  it('finds an SMS and a call that left the inbox’s bounded window since', async () => {
    await fixture.configure({ retention: { messagesPerChannel: 3, messagesPerAddress: 2 } });
    const sms = new TwilioSmsSender(fixture.settings.twilio);
    const voice = new TwilioVoiceCaller(fixture.settings.twilio);
    const twiml = '<Response><Say>Vermist: Lucas (8).</Say></Response>';
    const since = new Date();
    const sent = await sms.send({ deliveryId: 'd-4', to: '+32470123004', body: 'Vermist: Lucas (8).' });
    const placed = await voice.call({ deliveryId: 'd-5', to: '+3253710095', answer: { twiml } });
    for (let i = 0; i < 5; i += 1) {
      await sms.send({ deliveryId: `d-6-${i}`, to: `+3247012310${i}`, body: 'Vermist: Lucas (8).' });
      await voice.call({ deliveryId: `d-7-${i}`, to: `+325371010${i}`, answer: { twiml } });
    }
    // Later messages to the same number too: newest first, the page still reaches the earlier one.
    await sms.send({ deliveryId: 'd-8', to: '+32470123004', body: 'Another alert.' });
    await sms.send({ deliveryId: 'd-9', to: '+32470123004', body: 'Yet another alert.' });
    expect((await fixture.messages('sms')).map((m) => m.id)).not.toContain(sent.providerId);
    expect((await fixture.messages('voice')).map((m) => m.id)).not.toContain(placed.providerId);

    expect(await sms.listSent({ to: '+32470123004', since })).toContainEqual({ sid: sent.providerId, body: 'Vermist: Lucas (8).' });
    expect(await voice.listPlaced({ to: '+3253710095', since })).toEqual([placed.providerId]);
    expect(await voice.listPlaced({ to: '+3253710096', since })).toEqual([]);
    const listed = await createTwilioClient(fixture.settings.twilio).messages.list({ to: '+32470123004', limit: 20 });
    expect(listed.map((m) => m.body)).toEqual(['Yet another alert.', 'Another alert.', 'Vermist: Lucas (8).']);
  });
});
