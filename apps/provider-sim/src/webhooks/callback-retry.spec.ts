import { failureClassOf, sendGridRetryPolicy, splitTwilioWebhookUrl, twilioRetryPolicy, twilioWebhookTarget } from './callback-retry';

describe("Twilio's connection overrides", () => {
  it('takes the fragment off the URL it requests and reads rc, rp, ct, rt and tt from it', () => {
    const { url, overrides } = splitTwilioWebhookUrl('https://bin.example/webhooks/twilio/message-status?deliveryId=d-1#rc=5&rp=all&ct=1000&rt=3000&tt=12000');
    expect(url).toBe('https://bin.example/webhooks/twilio/message-status?deliveryId=d-1');
    expect({ ...overrides, rp: [...overrides.rp].sort() }).toEqual({ rc: 5, rp: ['4xx', '5xx', 'ct', 'rt'], ct: 1000, rt: 3000, tt: 12000 });
  });

  it("falls back to Twilio's defaults (one retry, on a failed connection, within 15 s) and clamps values to Twilio's ranges", () => {
    expect(splitTwilioWebhookUrl('http://t/s').overrides).toMatchObject({ rc: 1, ct: 5000, rt: 15000, tt: 15000 });
    expect([...splitTwilioWebhookUrl('http://t/s').overrides.rp]).toEqual(['ct']);
    const clamped = splitTwilioWebhookUrl('http://t/s#rc=9&rp=5xx,rt&tt=60000&ct=1&rt=abc').overrides;
    expect({ ...clamped, rp: [...clamped.rp].sort() }).toEqual({ rc: 5, rp: ['5xx', 'rt'], ct: 100, rt: 15000, tt: 15000 });
  });

  it('retries only the failures rp names, at most rc times, spread evenly within tt', () => {
    const policy = twilioRetryPolicy(splitTwilioWebhookUrl('http://t/s#rc=5&rp=ct,5xx&tt=12000').overrides);
    expect(policy.nextDelayMs('4xx', 0, 10)).toBeNull();
    expect(policy.nextDelayMs('rt', 0, 10)).toBeNull();
    expect(policy.nextDelayMs('ct', 0, 10)).toBe(1990);
    expect(policy.nextDelayMs('5xx', 1, 2100)).toBe(1900);
    expect(policy.nextDelayMs('ct', 4, 8000)).toBe(2000);
    expect(policy.nextDelayMs('ct', 5, 10000)).toBeNull();
    // An attempt that ran past the total time ends the retries.
    expect(twilioRetryPolicy(splitTwilioWebhookUrl('http://t/s#rc=5&rp=all&tt=1000').overrides).nextDelayMs('rt', 1, 1200)).toBeNull();
  });

  it("gives each callback its URL without the fragment and its fragment's policy, worked out once per fragment", () => {
    const first = twilioWebhookTarget('http://t/s?deliveryId=d-1#rc=5&rp=ct,5xx&tt=12000');
    const second = twilioWebhookTarget('http://t/s?deliveryId=d-2#rc=5&rp=ct,5xx&tt=12000');
    expect(first.url).toBe('http://t/s?deliveryId=d-1');
    expect(second.url).toBe('http://t/s?deliveryId=d-2');
    expect(second.retry).toBe(first.retry);
    expect(first.retry.nextDelayMs('ct', 0, 10)).toBe(1990);
    expect(first.retry.nextDelayMs('4xx', 0, 10)).toBeNull();
    const plain = twilioWebhookTarget('http://t/s');
    expect(plain.url).toBe('http://t/s');
    expect(plain.retry.nextDelayMs('ct', 0, 10)).toBe(7490);
    expect(plain.retry.nextDelayMs('5xx', 0, 10)).toBeNull();
  });
});

describe("SendGrid's Event Webhook retries", () => {
  const day = 24 * 3_600_000;
  const settings = { firstDelayMs: 30_000, maxDelayMs: 3_600_000, windowMs: day };

  it('retries any failure at doubling intervals up to the longest, until a day has passed', () => {
    const policy = sendGridRetryPolicy(settings, 1, 10_000);
    expect(policy.nextDelayMs('4xx', 0, 100)).toBe(30_000);
    expect(policy.nextDelayMs('ct', 1, 30_100)).toBe(60_000);
    expect(policy.nextDelayMs('5xx', 10, 5 * 3_600_000)).toBe(3_600_000);
    expect(policy.nextDelayMs('5xx', 30, day - 3_600_000)).toBe(3_600_000);
    expect(policy.nextDelayMs('5xx', 30, day - 3_599_999)).toBeNull();
  });

  it('compresses delays and window by timeScale', () => {
    const policy = sendGridRetryPolicy(settings, 1440, 10_000);
    expect(policy.nextDelayMs('ct', 0, 0)).toBeCloseTo(30_000 / 1440);
    expect(policy.nextDelayMs('ct', 20, 57_000)).toBeCloseTo(2500);
    expect(policy.nextDelayMs('ct', 20, 58_000)).toBeNull();
  });

  it('classes an attempt as Twilio does: no connection, no answer in time, 4xx or 5xx', () => {
    expect(failureClassOf({ reply: { status: 204, contentType: null, body: '' } })).toBeNull();
    expect(failureClassOf({ error: 'ECONNREFUSED' })).toBe('ct');
    expect(failureClassOf({ error: 'timeout' })).toBe('rt');
    expect(failureClassOf({ reply: { status: 429, contentType: null, body: '' } })).toBe('4xx');
    expect(failureClassOf({ reply: { status: 502, contentType: null, body: '' } })).toBe('5xx');
  });
});
