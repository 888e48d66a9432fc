import { createHash } from 'node:crypto';
import { DELIVERY_ID_NAMESPACE, deliveryId, uuidV5, uuidV5In } from './delivery-id';

/** RFC 4122's construction as written before uuidV5In (a hash object, the namespace parsed per call): the ids must not change. */
function referenceUuidV5(name: string, namespace: string): string {
  const digest = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  digest[6] = (digest[6] & 0x0f) | 0x50;
  digest[8] = (digest[8] & 0x3f) | 0x80;
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

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

  it('gives the ids RFC 4122 construction gives, for every name length and character, a namespace reused across calls', () => {
    const names = ['', 'a', 'é', '漢字', '😀', 'x'.repeat(239), 'y'.repeat(240), 'z'.repeat(241), 'é'.repeat(500), 'w'.repeat(5_000), 'short again'];
    for (let i = 0; i < 2_000; i++) names.push(`twilio:message:SM${i.toString(16).padStart(32, '0')}:${['sent', 'delivered', 'failed'][i % 3]}`);
    const namespaces = [DELIVERY_ID_NAMESPACE, '2b0c8a52-6f4e-5d1a-8c3b-9e7f6a5d4c3b', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'];
    for (const namespace of namespaces) {
      const inNamespace = uuidV5In(namespace);
      for (const name of names) {
        const expected = referenceUuidV5(name, namespace);
        expect(inNamespace(name)).toBe(expected);
        expect(uuidV5(name, namespace)).toBe(expected);
      }
    }
    expect(deliveryId('a', 'm', 'sms')).toBe(referenceUuidV5('a:m:sms', DELIVERY_ID_NAMESPACE));
    expect(deliveryId('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', 'sms')).toBe('3284a2fe-4658-5d50-9d5f-83dd719d821b');
  });
});
