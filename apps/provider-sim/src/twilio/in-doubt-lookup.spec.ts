import { TwilioSmsSender, TwilioVoiceCaller } from '@bin-alert/providers';
import { SimFixture, startSimFixture } from '../testing/sim-fixture';

/** After a crash a sender asks the provider whether its message went out; the real SDK's list calls. */
describe('in-doubt lookups through the Twilio list resources', () => {
  let fixture: SimFixture;

  beforeAll(async () => {
    fixture = await startSimFixture();
  });

  afterAll(() => fixture.sim.close());

  beforeEach(() => fixture.clear());

  it('finds an SMS with the same body sent to the number since the claim, and nothing else', async () => {
    const sms = new TwilioSmsSender(fixture.settings.twilio);
    const since = new Date();
    const sent = await sms.send({ deliveryId: 'd-1', to: '+32470123001', body: 'Vermist: Lucas (8).' });
    await sms.send({ deliveryId: 'd-2', to: '+32470123001', body: 'Another alert.' });

    expect(await sms.findAccepted({ to: '+32470123001', body: 'Vermist: Lucas (8).', since })).toEqual({ providerId: sent.providerId });
    expect(await sms.findAccepted({ to: '+32470123002', body: 'Vermist: Lucas (8).', since })).toBeNull();
    expect(await sms.findAccepted({ to: '+32470123001', body: 'Not sent.', since })).toBeNull();
    expect(await sms.findAccepted({ to: '+32470123001', body: 'Vermist: Lucas (8).', since: new Date(Date.now() + 60_000) })).toBeNull();
  });

  it('finds a call placed to the number since the claim', async () => {
    const voice = new TwilioVoiceCaller(fixture.settings.twilio);
    const since = new Date();
    const placed = await voice.call({ deliveryId: 'd-3', to: '+3253710099', answer: { twiml: '<Response><Say>x</Say></Response>' } });

    expect(await voice.findPlaced({ to: '+3253710099', since })).toEqual({ providerId: placed.providerId });
    expect(await voice.findPlaced({ to: '+3253710098', since })).toBeNull();
  });
});
