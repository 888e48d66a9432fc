import twilio from 'twilio';
import { RedirectingRequestClient } from './redirecting-request-client';
import { createTwilioClient } from './twilio-client.factory';

describe('RedirectingRequestClient', () => {
  const client = new RedirectingRequestClient('http://127.0.0.1:4010/');

  it.each([
    'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json',
    'https://api.ie1.twilio.com/2010-04-01/Accounts/AC1/Messages.json',
    'https://api.dublin.ie1.twilio.com/2010-04-01/Accounts/AC1/Messages.json',
    'https://api.twilio.com:443/2010-04-01/Accounts/AC1/Messages.json',
  ])('sends %s to the simulator origin', (uri) => {
    expect(client.redirect(uri)).toBe('http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages.json');
  });

  it('leaves hosts that merely contain "twilio.com" alone', () => {
    expect(client.redirect('https://api.twilio.com.evil.example/x')).toBe('https://api.twilio.com.evil.example/x');
  });
});

describe('createTwilioClient', () => {
  const settings = { accountSid: `AC${'0'.repeat(32)}`, authToken: 't', fromNumber: '+32460200100' };

  it('uses the SDK’s own RequestClient for the real Twilio', () => {
    expect(createTwilioClient({ ...settings, apiBaseUrl: null }).httpClient).toBeInstanceOf(twilio.RequestClient);
  });

  it('routes through the redirecting client when an apiBaseUrl is set', () => {
    expect(createTwilioClient({ ...settings, apiBaseUrl: 'http://127.0.0.1:4010' }).httpClient).toBeInstanceOf(
      RedirectingRequestClient,
    );
  });
});
