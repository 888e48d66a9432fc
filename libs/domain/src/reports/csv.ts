/**
 * CSV as the boards open it: RFC 4180 (CRLF line ends, a header row, a field quoted when it holds
 * the separator, a quote, CR or LF, its quotes doubled), UTF-8 with a byte-order mark so that Excel
 * does not read "Sint-Gillis-Waas – Élodie" as Windows-1252 (ADR 0022), and cells that a
 * spreadsheet would run as a formula defused.
 */

/** The separators a report is written with: RFC 4180's comma, or the semicolon of Excel in Belgian (and most continental) regional settings. */
export const CSV_DELIMITERS = { comma: ',', semicolon: ';' } as const;
export type CsvDelimiter = keyof typeof CSV_DELIMITERS;

export const CSV_MEDIA_TYPE = 'text/csv; charset=utf-8';

/** Excel takes UTF-8 only when the file says so with a BOM; every other reader we know skips it. */
export const UTF8_BOM = '\uFEFF';

export type CsvCell = string | number | boolean | null | undefined;

/** One column: its header and how to read it from a row. */
export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => CsvCell;
}

/**
 * A cell starting with one of these is run as a formula by Excel, LibreOffice or Google Sheets
 * (OWASP "CSV injection"): a member's name or a category code must never become
 * `=HYPERLINK(…)`. Such a cell is written with a leading apostrophe, which the spreadsheet shows
 * as text. Numbers are ours and written as they are, so a negative count stays a number.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CsvCell, delimiter: CsvDelimiter = 'comma'): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`a CSV cell cannot hold ${value}`);
    return String(value);
  }
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  const separator = CSV_DELIMITERS[delimiter];
  return text.includes(separator) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The whole file: BOM, header row, one record per row, each line ended by CRLF. */
export function writeCsv<Row>(columns: ReadonlyArray<CsvColumn<Row>>, rows: Iterable<Row>, delimiter: CsvDelimiter = 'comma'): string {
  const separator = CSV_DELIMITERS[delimiter];
  const line = (cells: CsvCell[]) => `${cells.map((c) => csvCell(c, delimiter)).join(separator)}\r\n`;
  let out = UTF8_BOM + line(columns.map((c) => c.header));
  for (const row of rows) out += line(columns.map((c) => c.value(row)));
  return out;
}
