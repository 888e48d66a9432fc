import { AlertContent, Language, renderVoice, renderVoiceGatherReply } from '@bin-alert/domain';
import { DEFAULT_TWILIO_VOICES } from '@bin-alert/platform';
import { hangUpTwiml, voiceTwiml } from './voice-twiml';

const XML = '<?xml version="1.0" encoding="UTF-8"?>';

/** Written in every member language, so that each is said in its own voice. */
const burglaries: AlertContent = {
  alertId: 'a-1',
  urgency: 'urgent',
  redistributionAllowed: false,
  texts: {
    nl: { title: 'Inbraken', body: 'Sluit ramen en deuren.' },
    fr: { title: 'Cambriolages', body: 'Fermez portes et fenêtres.' },
    de: { title: 'Einbrüche', body: 'Schließen Sie Fenster und Türen.' },
    en: { title: 'Burglaries', body: 'Lock windows and doors.' },
  },
};

describe('voiceTwiml', () => {
  it.each([
    ['nl', 'Polly.Lisa-Neural', 'nl-BE', 'Druk op 1'],
    ['fr', 'Polly.Isabelle-Neural', 'fr-BE', 'Appuyez sur 1'],
    ['de', 'Polly.Vicki-Neural', 'de-DE', 'Drücken Sie die 1'],
    ['en', 'Polly.Amy-Neural', 'en-GB', 'Press 1'],
  ] as const)('speaks a %s member in %s (%s) by default, every <Say> of the call', (language: Language, voice, locale, prompt) => {
    const rendered = renderVoice(burglaries, language, { gatherActionUrl: 'https://t.example/g?deliveryId=d-1&x=1' });
    const twiml = voiceTwiml(rendered, DEFAULT_TWILIO_VOICES);
    const say = `<Say voice="${voice}" language="${locale}">`;
    expect(twiml).toBe(
      `${XML}<Response>${say}${rendered.script}</Say><Pause length="1"/>` +
        `<Gather numDigits="1" timeout="8" action="https://t.example/g?deliveryId=d-1&amp;x=1" method="POST">` +
        `${say}${rendered.script}</Say>${say}${(rendered.steps[2] as { say: string[] }).say[1]}</Say></Gather></Response>`,
    );
    expect(twiml).toContain(`${say}${prompt}`);
  });

  it('uses the voice configured for the language', () => {
    const voices = { ...DEFAULT_TWILIO_VOICES, nl: { voice: 'Google.nl-BE-Wavenet-A', language: 'nl-BE' } };
    expect(voiceTwiml(renderVoice(burglaries, 'nl'), voices)).toContain('<Say voice="Google.nl-BE-Wavenet-A" language="nl-BE">BIN-bericht van de politie.');
  });

  it('escapes the text', () => {
    const twiml = voiceTwiml(renderVoice({ ...burglaries, texts: { en: { title: 'R&D <x>', body: 'y' } } }, 'en'), DEFAULT_TWILIO_VOICES);
    expect(twiml).toContain('R&amp;D &lt;x&gt;');
  });

  it('leaves an answering machine the message once and hangs up', () => {
    const twiml = voiceTwiml(renderVoice(burglaries, 'fr', { gatherActionUrl: 'http://t/g', answeredByMachine: true }), DEFAULT_TWILIO_VOICES);
    expect(twiml.match(/<Say /g)).toHaveLength(1);
    expect(twiml).toMatch(/<\/Say><Hangup\/><\/Response>$/);
  });

  it('thanks in the member voice after a confirmation, and says nothing otherwise', () => {
    expect(voiceTwiml(renderVoiceGatherReply('de', true), DEFAULT_TWILIO_VOICES)).toBe(
      `${XML}<Response><Say voice="Polly.Vicki-Neural" language="de-DE">Danke. Ihre Bestätigung wurde gespeichert.</Say><Hangup/></Response>`,
    );
    expect(voiceTwiml(renderVoiceGatherReply('de', false), DEFAULT_TWILIO_VOICES)).toBe(`${XML}<Response/>`);
  });

  it('hangs up', () => {
    expect(hangUpTwiml()).toBe(`${XML}<Response><Hangup/></Response>`);
  });
});
