import type { AlertListCursor } from '@bin-alert/persistence';

/**
 * The `next` of GET /v1/alerts and its `before`: the last alert of a page, as base64url JSON. The
 * client only passes it back, but anyone can write one, and its fields go into SQL as a
 * timestamptz and a uuid: decoding checks both as PostgreSQL will read them, so a forged cursor is
 * a 400 and never a database error.
 */
export function encodeAlertListCursor(cursor: AlertListCursor): string {
  return Buffer.from(JSON.stringify({ createdAt: cursor.createdAt, id: cursor.id })).toString('base64url');
}

/** Longer than any cursor this API writes (about 120 characters). */
const MAX_CURSOR_LENGTH = 256;
/** created_at::text: `2026-11-29 14:05:00.123456+01`, the offset possibly with minutes. */
const POSTGRES_TIMESTAMPTZ = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?[+-](\d{2})(?::(\d{2}))?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The cursor, or null for anything this API did not give out. Total: never throws. */
export function decodeAlertListCursor(text: unknown): AlertListCursor | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const { createdAt, id, ...rest } = parsed as Record<string, unknown>;
  if (Object.keys(rest).length > 0 || typeof createdAt !== 'string' || typeof id !== 'string') return null;
  if (!UUID.test(id) || !isPostgresTimestamp(createdAt)) return null;
  return { createdAt, id };
}

function isPostgresTimestamp(text: string): boolean {
  const match = POSTGRES_TIMESTAMPTZ.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second, offsetHours] = match.slice(1, 8).map(Number);
  const offsetMinutes = Number(match[8] ?? '0');
  if (year < 1 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 || offsetHours > 15 || offsetMinutes > 59) return false;
  // setUTCFullYear takes the year as written (Date.UTC would read 0050 as 1950) and rolls
  // 30 February over into March: a real date reads back as itself.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
