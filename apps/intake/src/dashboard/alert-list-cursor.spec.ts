import fc from 'fast-check';
import { decodeAlertListCursor, encodeAlertListCursor } from './alert-list-cursor';

/** created_at::text as PostgreSQL prints it in UTC, to the microsecond. */
const printedTimestamp = fc
  .tuple(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), fc.integer({ min: 0, max: 999_999 }), fc.boolean())
  .map(
    ([date, micros, withMicros]) =>
      `${String(date.getUTCFullYear()).padStart(4, '0')}${date.toISOString().slice(date.toISOString().indexOf('-', 1), 19).replace('T', ' ')}${withMicros ? `.${String(micros).padStart(6, '0')}` : ''}+00`,
  );

describe('alert-list cursors', () => {
  it('read back every cursor the API writes', () => {
    fc.assert(
      fc.property(printedTimestamp, fc.uuid(), (createdAt, id) => {
        expect(decodeAlertListCursor(encodeAlertListCursor({ createdAt, id }))).toEqual({ createdAt, id });
      }),
      { numRuns: 1_000 },
    );
  });

  it('decode any input without throwing, to a cursor PostgreSQL can read or to nothing', () => {
    const forged = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.base64String(),
      fc.anything().map((v) => Buffer.from(JSON.stringify(v) ?? '').toString('base64url')),
      fc
        .record({
          createdAt: fc.oneof(
            fc.string(),
            printedTimestamp.map((t) => t.replace(/\d/, (d) => String((Number(d) + 5) % 10))),
          ),
          id: fc.oneof(fc.uuid(), fc.string()),
        })
        .map((c) => Buffer.from(JSON.stringify(c)).toString('base64url')),
    );
    fc.assert(
      fc.property(fc.oneof(forged, fc.anything()), (input) => {
        const cursor = decodeAlertListCursor(input);
        if (cursor === null) return;
        expect(cursor.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
        const [date, time] = cursor.createdAt.split(' ');
        expect(Number.isNaN(Date.parse(`${date}T${time.replace(/([+-]\d{2})$/, '$1:00')}`))).toBe(false);
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuse dates that do not exist and years PostgreSQL prints otherwise', () => {
    const cursor = (createdAt: string) => encodeAlertListCursor({ createdAt, id: '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b' });
    expect(decodeAlertListCursor(cursor('2026-02-29 10:00:00+00'))).toBeNull();
    expect(decodeAlertListCursor(cursor('2028-02-29 10:00:00+00'))).not.toBeNull();
    expect(decodeAlertListCursor(cursor('99999-01-01 00:00:00+00'))).toBeNull();
    expect(decodeAlertListCursor(cursor('2026-01-01 24:00:00+00'))).toBeNull();
    expect(decodeAlertListCursor(cursor('yesterday'))).toBeNull();
  });
});
