import { parseSaidTexts } from './twiml-say.parser';

describe('parseSaidTexts', () => {
  it('reads each <Say> in document order with its language, entities unescaped', () => {
    const twiml =
      '<Response><Say language="nl-BE" loop="2">Inbraak &amp; diefstal</Say><Pause length="1"/>' +
      "<Gather><Say language='de-DE'>Dr&#252;cken Sie &#x31;</Say></Gather><Hangup/></Response>";

    expect(parseSaidTexts(twiml)).toEqual([
      { language: 'nl-BE', text: 'Inbraak & diefstal' },
      { language: 'de-DE', text: 'Drücken Sie 1' },
    ]);
  });

  it('reads the voice a <Say> names', () => {
    expect(parseSaidTexts('<Response><Say voice="Polly.Lisa-Neural" language="nl-BE">Hallo</Say></Response>')).toEqual([
      { language: 'nl-BE', voice: 'Polly.Lisa-Neural', text: 'Hallo' },
    ]);
  });

  it('defaults to en-US, keeps SSML text, and ignores empty <Say/>', () => {
    expect(parseSaidTexts('<Response><Say>Hello <break time="1s"/> <emphasis>world</emphasis></Say><Say/></Response>')).toEqual([
      { language: 'en-US', text: 'Hello world' },
      { language: 'en-US', text: '' },
    ]);
  });
});
