import { randomBytes } from 'node:crypto';

const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

/**
 * 16 random bytes for an identifier (a SID, an X-Message-Id, an sg_event_id), taken from a pool
 * filled 4 KB at a time: one call into the system's random source per 256 ids instead of one
 * per id. Still random, never derived from the seed: a rerun must not repeat ids a tracker stored.
 */
function next16(): [Buffer, number] {
  if (offset + 16 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const at = offset;
  offset += 16;
  return [pool, at];
}

export function randomHex16(): string {
  const [bytes, at] = next16();
  return bytes.toString('hex', at, at + 16);
}

export function randomBase64Url16(): string {
  const [bytes, at] = next16();
  return bytes.toString('base64url', at, at + 16);
}
