import { TwilioVoiceCaller } from '@bin-alert/providers';
import { rejectionOf, SIM_FROM_NUMBER, SimFixture, startSimFixture } from '../testing/sim-fixture';

describe('Twilio Calls through the official SDK', () => {
  let fixture: SimFixture;
  let caller: TwilioVoiceCaller;

  beforeAll(async () => {
    fixture = await startSimFixture();
    caller = new TwilioVoiceCaller(fixture.settings.twilio);
  });
  afterAll(() => fixture.sim.close());
  beforeEach(() => fixture.clear());

  it('records what an inline-TwiML call says, and in which language', async () => {
    const twiml =
      '<?xml version="1.0" encoding="UTF-8"?><Response>' +
      '<Say language="fr-BE" voice="Polly.Isabelle-Neural">Cambriolage signalé rue de l&apos;Église &amp; alentours.</Say>' +
      '<Gather numDigits="1" timeout="8"><Say language="nl-BE">Druk op 1 om te herhalen.</Say></Gather>' +
      '</Response>';

    const accepted = await caller.call({ deliveryId: 'd-1', to: '+3253123456', answer: { twiml } });

    expect(accepted.providerId).toMatch(/^CA[0-9a-f]{32}$/);
    const [call] = await fixture.inbox('+3253123456');
    expect(call).toMatchObject({
      id: accepted.providerId,
      channel: 'voice',
      from: SIM_FROM_NUMBER,
      twiml,
      said: [
        { language: 'fr-BE', text: "Cambriolage signalé rue de l'Église & alentours." },
        { language: 'nl-BE', text: 'Druk op 1 om te herhalen.' },
      ],
    });
  });

  it('refuses an invalid number with 21217, terminal invalid_number', async () => {
    const error = await rejectionOf(caller.call({ deliveryId: 'd-2', to: '+32999', answer: { twiml: '<Response/>' } }));

    expect(error).toMatchObject({ kind: 'terminal', reason: 'invalid_number', code: '21217', httpStatus: 400 });
    expect((error as Error).message).not.toContain('32999');
  });
});
