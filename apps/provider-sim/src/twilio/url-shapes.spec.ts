import { UrlShapes } from './url-shapes';

describe('UrlShapes, callback URLs kept as a shared shape and their own part', () => {
  it('gives back every URL exactly, sharing the part before its last value and its fragment', () => {
    const urls = new UrlShapes();
    const ids = ['6f1c2a34-5b6d-4e7f-8a9b-000000000001', '6f1c2a34-5b6d-4e7f-8a9b-000000000002'];
    const made = ids.map((id) => `http://127.0.0.1:3002/webhooks/twilio/message-status?deliveryId=${id}#rc=5&rp=all`);
    const parts = made.map((url) => urls.split(url));
    expect(parts[0][0]).toBeGreaterThanOrEqual(0);
    expect(parts[1][0]).toBe(parts[0][0]);
    made.forEach((url, i) => {
      const [shape, own] = parts[i];
      expect(own).toBe(ids[i]);
      expect(urls.url(shape, own)).toBe(url);
    });
    for (const url of ['http://receiver/sms-status', 'http://receiver/sms-status?delivery=d-1', 'http://r/x?a=1&b=2#rc=1', 'http://r/x?a=#f', 'http://r/x#rc=5&rp=all', '']) {
      expect(urls.url(...urls.split(url))).toBe(url);
    }
    expect(urls.split('http://receiver/sms-status')).toEqual([-1, 'http://receiver/sms-status']);
    expect(urls.split('')).toEqual([-1, '']);
  });
});
