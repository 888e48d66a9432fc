import { TwilioSmsSender } from './twilio-sms.sender';
import { TwilioVoiceCaller } from './twilio-voice.caller';
import type { TwilioClient } from './twilio-client.factory';

const settings = { accountSid: `AC${'0'.repeat(32)}`, authToken: 't', fromNumber: '+32460200100', apiBaseUrl: null };

function fakeClient() {
  const messages = { create: jest.fn().mockResolvedValue({ sid: 'SM1' }) };
  const calls = { create: jest.fn().mockResolvedValue({ sid: 'CA1' }) };
  return { client: { messages, calls } as unknown as TwilioClient, messages, calls };
}

describe('Twilio adapters pass the tracker callbacks through', () => {
  it('sets StatusCallback on an SMS when asked', async () => {
    const { client, messages } = fakeClient();
    await new TwilioSmsSender(settings, client).send({ deliveryId: 'd', to: '+32470123456', body: 'b', statusCallbackUrl: 'http://t/s?deliveryId=d' });
    expect(messages.create).toHaveBeenCalledWith(expect.objectContaining({ statusCallback: 'http://t/s?deliveryId=d' }));
  });

  it('sets StatusCallback, its events and method, and machine detection on a call when asked', async () => {
    const { client, calls } = fakeClient();
    await new TwilioVoiceCaller(settings, client).call({
      deliveryId: 'd',
      to: '+3253732727',
      answer: { url: 'http://t/voice-answer?deliveryId=d' },
      statusCallbackUrl: 'http://t/c?deliveryId=d',
      statusCallbackEvents: ['initiated', 'ringing', 'answered', 'completed'],
      machineDetection: 'Enable',
    });
    expect(calls.create).toHaveBeenCalledWith(
      expect.objectContaining({
        statusCallback: 'http://t/c?deliveryId=d',
        statusCallbackMethod: 'POST',
        statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
        machineDetection: 'Enable',
        url: 'http://t/voice-answer?deliveryId=d',
        method: 'POST',
      }),
    );
    expect(calls.create.mock.calls[0][0].twiml).toBeUndefined();
  });

  it('asks for nothing of the sort by default', async () => {
    const { client, calls } = fakeClient();
    await new TwilioVoiceCaller(settings, client).call({ deliveryId: 'd', to: '+3253732727', answer: { twiml: '<Response/>' } });
    const params = calls.create.mock.calls[0][0];
    expect(params).toMatchObject({ twiml: '<Response/>' });
    expect(params.url).toBeUndefined();
    expect(params.statusCallback).toBeUndefined();
    expect(params.machineDetection).toBeUndefined();
  });
});

describe('Twilio adapters list what may stem from an earlier claim the same way, messages and calls', () => {
  const since = new Date('2026-12-07T10:00:00Z');
  const listed = [
    { sid: 'new', body: 'b', dateCreated: new Date('2026-12-07T10:00:30Z') },
    // Twilio's clock a few seconds behind ours: still possibly ours.
    { sid: 'skewed', body: 'b', dateCreated: new Date('2026-12-07T09:59:56Z') },
    { sid: 'older', body: 'b', dateCreated: new Date('2026-12-07T09:59:00Z') },
  ];

  it('asks for the twenty newest to the number and keeps those created since the claim', async () => {
    const list = jest.fn().mockResolvedValue(listed);
    const client = { messages: { list }, calls: { list } } as unknown as TwilioClient;
    await expect(new TwilioSmsSender(settings, client).listSent({ to: '+32470123456', since })).resolves.toEqual([
      { sid: 'new', body: 'b' },
      { sid: 'skewed', body: 'b' },
    ]);
    await expect(new TwilioVoiceCaller(settings, client).listPlaced({ to: '+3253732727', since })).resolves.toEqual(['new', 'skewed']);
    expect(list.mock.calls).toEqual([[{ to: '+32470123456', limit: 20 }], [{ to: '+3253732727', limit: 20 }]]);
  });
});
