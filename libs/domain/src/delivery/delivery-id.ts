import { createHash } from 'node:crypto';
import { Channel } from '../vocabulary';

/**
 * Fixed namespace so that every instance derives the same id for the same (alert, member, channel);
 * PostgreSQL derives the same ids with uuid_generate_v5 when it plans (planning.repository.ts).
 */
export const DELIVERY_ID_NAMESPACE = '6f1b2a8e-4c1d-5e2f-9a3b-7c8d9e0f1a2b';

/**
 * A deterministic, RFC 4122 version-5 UUID for one (alert, member, channel). Because the id is
 * derived rather than generated, a redelivered alert event or a second dispatcher instance
 * computes the same id, and the database's primary key makes the second insert a no-op.
 */
export function deliveryId(alertId: string, memberId: string, channel: Channel): string {
  return uuidV5(`${alertId}:${memberId}:${channel}`, DELIVERY_ID_NAMESPACE);
}

export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
