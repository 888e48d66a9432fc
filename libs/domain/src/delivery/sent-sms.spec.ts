import { sentSmsOf } from './sent-sms';

describe('sentSmsOf: which message an in-doubt SMS delivery left with the provider', () => {
  const body = 'Vermist: Lucas (8).';

  it('finds nothing when the provider took no message for the number', () => {
    expect(sentSmsOf({ candidates: [], body })).toEqual({ sms: 'not_sent' });
  });

  it('takes the one message with this delivery’s body', () => {
    expect(sentSmsOf({ candidates: [{ sid: 'SM1', body }], body })).toEqual({ sms: 'sent', sid: 'SM1' });
  });

  it('does not take other alerts’ messages to the same number: their bodies name their alerts', () => {
    const others = [
      { sid: 'SM-prevention', body: 'Preventie: sluit uw fiets op slot.' },
      { sid: 'SM-burglary', body: 'Inbraken in Moorsel.' },
    ];
    expect(sentSmsOf({ candidates: others, body })).toEqual({ sms: 'not_sent' });
    expect(sentSmsOf({ candidates: [others[0], { sid: 'SM-urgent', body }, others[1]], body })).toEqual({ sms: 'sent', sid: 'SM-urgent' });
  });

  it('does not take a message whose body differs only in language or in part', () => {
    expect(
      sentSmsOf({
        candidates: [
          { sid: 'SM-fr', body: 'Disparu: Lucas (8).' },
          { sid: 'SM-part', body: 'Vermist: Lucas (8)' },
        ],
        body,
      }),
    ).toEqual({ sms: 'not_sent' });
  });

  it('takes the newest of several messages with this body and reports them: the member has the alert’s words, a resend would only duplicate it', () => {
    const candidates = [
      { sid: 'SM-newest', body },
      { sid: 'SM-other', body: 'Preventie.' },
      { sid: 'SM-older', body },
    ];
    expect(sentSmsOf({ candidates, body })).toEqual({ sms: 'ambiguous', sid: 'SM-newest', matching: 2 });
  });

  it('counts a message listed twice once', () => {
    expect(
      sentSmsOf({
        candidates: [
          { sid: 'SM1', body },
          { sid: 'SM1', body },
        ],
        body,
      }),
    ).toEqual({ sms: 'sent', sid: 'SM1' });
  });
});
