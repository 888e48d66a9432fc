import twilio from 'twilio';
import { twilioSignature } from './twilio-signature';

describe('twilioSignature', () => {
  const token = 'sim-auth-token';
  const params = { MessageSid: 'SM123', MessageStatus: 'delivered', To: '+32470123456', Body: 'Inbraak — sluit ramen & deuren', ErrorCode: '' };

  it.each([
    'http://127.0.0.1:4020/callbacks/sms',
    'http://127.0.0.1:4020/callbacks/sms?delivery=d-1&attempt=2',
    'https://tracker.bin.example/twilio/status?d=%2B32',
    'https://tracker.bin.example/twilio/status',
  ])('is what twilio-node computes and accepts for %s', (url) => {
    const signature = twilioSignature(token, url, params);

    expect(signature).toBe(twilio.getExpectedTwilioSignature(token, url, params));
    expect(twilio.validateRequest(token, signature, url, params)).toBe(true);
  });

  it('is refused for another token, URL or parameter value', () => {
    const url = 'http://127.0.0.1:4020/callbacks/sms?delivery=d-1';
    const signature = twilioSignature(token, url, params);

    expect(twilio.validateRequest('other-token', signature, url, params)).toBe(false);
    expect(twilio.validateRequest(token, signature, 'http://127.0.0.1:4020/callbacks/sms?delivery=d-2', params)).toBe(false);
    expect(twilio.validateRequest(token, signature, url, { ...params, MessageStatus: 'sent' })).toBe(false);
  });
});
