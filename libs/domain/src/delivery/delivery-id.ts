import { hash } from 'node:crypto';
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
  return deliveryIdOf(`${alertId}:${memberId}:${channel}`);
}

export function uuidV5(name: string, namespace: string): string {
  return uuidV5In(namespace)(name);
}

/** The UUID's variant nibble for the hash's: RFC 4122's `10xx`, keeping the hash's two low bits. */
const VARIANT_NIBBLE = '89ab';

/**
 * The version-5 UUIDs of one namespace. Its 16 bytes are parsed once and kept at the head of a
 * buffer the name is written after, hashed in one call (`crypto.hash`, no hash object) straight
 * to hex, the version and variant set in the hex: a callback's event id is made per status, and
 * the per-call hex parse and hash object were most of its cost (ADR 0050). Same ids as RFC 4122's
 * construction (the spec compares with it).
 */
export function uuidV5In(namespace: string): (name: string) => string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  let buffer = Buffer.allocUnsafe(256);
  namespaceBytes.copy(buffer);
  return (name) => {
    const needed = 16 + Buffer.byteLength(name, 'utf8');
    if (needed > buffer.length) {
      buffer = Buffer.allocUnsafe(needed);
      namespaceBytes.copy(buffer);
    }
    const hex = hash('sha1', buffer.subarray(0, 16 + buffer.write(name, 16, 'utf8')), 'hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${VARIANT_NIBBLE[Number.parseInt(hex[16], 16) & 3]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  };
}

const deliveryIdOf = uuidV5In(DELIVERY_ID_NAMESPACE);
