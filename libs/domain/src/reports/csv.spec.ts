import { csvCell, UTF8_BOM, writeCsv } from './csv';
import { alertReachCsv, membershipCountsCsv, messagesSentCsv, reachFigures } from './report-rows';

/** A strict RFC 4180 reader, to check that what we write reads back as the cells we meant. */
function readCsv(text: string, separator = ','): string[][] {
  expect(text.startsWith(UTF8_BOM)).toBe(true);
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  let i = UTF8_BOM.length;
  while (i < text.length) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i += 2;
    } else if (quoted && c === '"') {
      quoted = false;
      i++;
    } else if (quoted) {
      cell += c;
      i++;
    } else if (c === '"' && cell === '') {
      quoted = true;
      i++;
    } else if (c === separator) {
      record.push(cell);
      cell = '';
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
      i += 2;
    } else if (c === '\r' || c === '\n' || c === '"') {
      throw new Error(`bare ${JSON.stringify(c)} at ${i}`);
    } else {
      cell += c;
      i++;
    }
  }
  expect(cell).toBe('');
  expect(record).toEqual([]);
  return records;
}

describe('writeCsv', () => {
  const columns = [
    { header: 'name', value: (r: { name: string; n: number | null }) => r.name },
    { header: 'n', value: (r: { name: string; n: number | null }) => r.n },
  ];

  it('writes a BOM, a header row and CRLF-ended records', () => {
    expect(writeCsv(columns, [{ name: 'Herdersem', n: 3 }])).toBe(`${UTF8_BOM}name,n\r\nHerdersem,3\r\n`);
    expect(writeCsv(columns, [])).toBe(`${UTF8_BOM}name,n\r\n`);
  });

  it('quotes separators, quotes and line breaks, and reads back the same cells', () => {
    const rows = [
      { name: 'Aalst, centrum', n: 1 },
      { name: 'de "Kerkwijk"', n: 2 },
      { name: 'twee\r\nregels', n: null },
      { name: 'Élodie – Sint-Gillis', n: 0 },
    ];
    const csv = writeCsv(columns, rows);
    expect(csv).toContain('"Aalst, centrum",1\r\n');
    expect(csv).toContain('"de ""Kerkwijk""",2\r\n');
    expect(readCsv(csv)).toEqual([
      ['name', 'n'],
      ['Aalst, centrum', '1'],
      ['de "Kerkwijk"', '2'],
      ['twee\r\nregels', ''],
      ['Élodie – Sint-Gillis', '0'],
    ]);
  });

  it('with semicolons, quotes the semicolon and leaves the comma alone', () => {
    const csv = writeCsv(
      columns,
      [
        { name: 'a;b', n: 1 },
        { name: 'a,b', n: 2 },
      ],
      'semicolon',
    );
    expect(readCsv(csv, ';')).toEqual([
      ['name', 'n'],
      ['a;b', '1'],
      ['a,b', '2'],
    ]);
    expect(csv).toContain('\r\na,b;2\r\n');
  });

  it.each(['=HYPERLINK("http://evil.example","klik")', '+32470000000', '-1+1', '@SUM(A1)', '\tcmd', '\rcmd'])(
    'defuses a cell that a spreadsheet would run as a formula: %j',
    (text) => {
      const [, [cell]] = readCsv(writeCsv(columns, [{ name: text, n: 1 }]));
      expect(cell).toBe(`'${text}`);
    },
  );

  it('leaves numbers, and text that only contains a formula character later, as they are', () => {
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell('Sint-Lievens-Houtem')).toBe('Sint-Lievens-Houtem');
    expect(csvCell('a=b')).toBe('a=b');
    expect(() => csvCell(Number.NaN)).toThrow(RangeError);
  });
});

describe('report CSVs', () => {
  it('the messages and membership reports have the JSON field names as headers and the same figures', () => {
    expect(readCsv(messagesSentCsv([{ binId: 'herdersem', category: 'covid', month: '2026-11', channel: 'email', alerts: 3, reached: 7 }]))).toEqual([
      ['binId', 'category', 'month', 'channel', 'alerts', 'reached'],
      ['herdersem', 'covid', '2026-11', 'email', '3', '7'],
    ]);
    expect(readCsv(membershipCountsCsv([{ binId: 'moorsel', month: '2026-12', active: 5, joined: 2, resigned: 1 }]))).toEqual([
      ['binId', 'month', 'active', 'joined', 'resigned'],
      ['moorsel', '2026-12', '5', '2', '1'],
    ]);
  });

  it('an alert’s reach has one figure per line, the reasons beside suppressed and failed', () => {
    const reach = [
      { channel: 'sms' as const, members: 4, planned: 2, reached: 1, fallbacks: 0, suppressedByReason: { opted_out: 1, no_contact_point: 1 }, failedByReason: { undelivered: 1 } },
    ];
    expect(readCsv(alertReachCsv(reach))).toEqual([
      ['channel', 'measure', 'reason', 'count'],
      ['sms', 'members', '', '4'],
      ['sms', 'planned', '', '2'],
      ['sms', 'reached', '', '1'],
      ['sms', 'fallbacks', '', '0'],
      ['sms', 'suppressed', 'opted_out', '1'],
      ['sms', 'suppressed', 'no_contact_point', '1'],
      ['sms', 'failed', 'undelivered', '1'],
    ]);
    expect(reachFigures([])).toEqual([]);
  });
});
