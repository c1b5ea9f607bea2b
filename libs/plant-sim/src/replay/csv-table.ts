import { PlantSimError } from '../errors';

export interface CsvTable {
  header: string[];
  /** Data rows, each with its 1-based line number in the file. */
  rows: Array<{ line: number; cells: string[] }>;
  separator: string;
}

const SEPARATORS = [';', ',', '\t'];

/**
 * Parses delimited text: a header row, then data rows. The separator is the one of `;` `,` or
 * tab the header uses most (SKAB files use `;`), unless given. Double-quoted cells may hold the
 * separator and doubled quotes; a byte-order mark and CRLF line ends are fine.
 */
export function parseCsv(text: string, separator?: string): CsvTable {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerLine = lines[0] ?? '';
  if (headerLine.trim() === '') {
    throw new PlantSimError('CSV_INVALID', 'The file is empty: it needs a header row');
  }
  const sep =
    separator ??
    SEPARATORS.map((s) => ({ s, n: splitLine(headerLine, s, 1).length })).sort(
      (a, b) => b.n - a.n,
    )[0]!.s;
  const header = splitLine(headerLine, sep, 1).map((h) => h.trim());
  if (header.length < 2) {
    throw new PlantSimError(
      'CSV_INVALID',
      'The header needs a time column and at least one value column',
      { header },
    );
  }
  const rows: CsvTable['rows'] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const cells = splitLine(lines[i]!, sep, i + 1);
    if (cells.length !== header.length) {
      throw new PlantSimError(
        'CSV_INVALID',
        `Line ${i + 1} has ${cells.length} cells, the header has ${header.length}`,
        { line: i + 1 },
      );
    }
    rows.push({ line: i + 1, cells });
  }
  if (rows.length === 0) throw new PlantSimError('CSV_INVALID', 'The file has no data rows');
  return { header, rows, separator: sep };
}

function splitLine(line: string, sep: string, lineNo: number): string[] {
  if (!line.includes('"')) return line.split(sep);
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  if (quoted) {
    throw new PlantSimError('CSV_INVALID', `Line ${lineNo} has an unclosed quote`, {
      line: lineNo,
    });
  }
  cells.push(cell);
  return cells;
}
