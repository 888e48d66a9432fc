import { callStatusCallbackUrl, inboundSmsWebhookUrl, messageStatusCallbackUrl, sendGridEventWebhookUrl, voiceGatherActionUrl } from './callback-urls';

describe('tracker callback URLs', () => {
  const id = '6f1b2a8e-4c1d-5e2f-9a3b-7c8d9e0f1a2b';

  it.each([
    [messageStatusCallbackUrl, `http://127.0.0.1:3104/webhooks/twilio/message-status?deliveryId=${id}#rc=5&rp=all`],
    [callStatusCallbackUrl, `http://127.0.0.1:3104/webhooks/twilio/call-status?deliveryId=${id}#rc=5&rp=all`],
    [voiceGatherActionUrl, `http://127.0.0.1:3104/webhooks/twilio/voice-gather?deliveryId=${id}`],
  ])('%p names the delivery in the query', (build, expected) => {
    expect(build('http://127.0.0.1:3104', id)).toBe(expected);
    expect(build('http://127.0.0.1:3104/', id)).toBe(expected);
  });

  it('keeps a path prefix of the public URL and encodes the id', () => {
    expect(messageStatusCallbackUrl('https://bin.example/tracker', 'a b', '')).toBe('https://bin.example/tracker/webhooks/twilio/message-status?deliveryId=a%20b');
  });

  it('asks Twilio to retry status callbacks through connection overrides in the fragment, which are configurable', () => {
    expect(messageStatusCallbackUrl('https://bin.example', 'd', 'rc=3&rp=ct&tt=9000')).toBe('https://bin.example/webhooks/twilio/message-status?deliveryId=d#rc=3&rp=ct&tt=9000');
    expect(new URL(callStatusCallbackUrl('https://bin.example', 'd')).hash).toBe('#rc=5&rp=all');
  });

  it('has fixed URLs for the webhooks configured once at the provider', () => {
    expect(inboundSmsWebhookUrl('https://bin.example')).toBe('https://bin.example/webhooks/twilio/inbound-sms');
    expect(sendGridEventWebhookUrl('https://bin.example/')).toBe('https://bin.example/webhooks/sendgrid/events');
  });
});
