import { deliveryId, uuidV5 } from './delivery-id';

describe('deliveryId', () => {
  it('is the same for the same (alert, member, channel)', () => {
    expect(deliveryId('a', 'm', 'sms')).toBe(deliveryId('a', 'm', 'sms'));
  });

  it('differs per channel, member and alert', () => {
    const ids = new Set([deliveryId('a', 'm', 'sms'), deliveryId('a', 'm', 'email'), deliveryId('a', 'm2', 'sms'), deliveryId('a2', 'm', 'sms')]);
    expect(ids.size).toBe(4);
  });

  it('is a version-5 UUID', () => {
    expect(deliveryId('a', 'm', 'voice')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('matches the RFC 4122 reference vector (DNS namespace, "www.example.com")', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
});
