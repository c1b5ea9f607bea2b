import { parseTime } from '@twinlog/domain';
import { PlantSimError } from '../errors';
import { readingIdOf, type PlantSample } from '../readings';
import type { ColumnMapping } from './column-mapping';
import type { CsvTable } from './csv-table';

export interface ReplayValue {
  twinId: string;
  property: string;
  value: number;
  unit?: string;
}

export interface ReplayRow {
  /** The row's own time, epoch ms. */
  atMs: number;
  values: ReplayValue[];
}

/** A CSV file ready to replay: rows in time order with their mapped values. */
export interface CsvReplay {
  rows: ReplayRow[];
  firstMs: number;
  lastMs: number;
  readings: number;
  /** Cells left out because they were empty or NaN. */
  skippedCells: number;
  twins: string[];
}

const TIME_HEADER = /^(datetime|timestamp|time|date|ts)$/i;
const MISSING = new Set(['', 'nan', 'null', 'na', 'n/a']);

/**
 * Maps a parsed CSV onto twins: the time column (named by `timeColumn`, else the one called
 * datetime/timestamp/time/date/ts, else the first) and each mapped value column. Rows come
 * back sorted by time (stable), so a file written out of order still replays forward.
 */
export function planReplay(
  table: CsvTable,
  mappings: ColumnMapping[],
  timeColumn?: string,
): CsvReplay {
  const timeIndex = columnIndex(table, timeColumn) ?? findTimeColumn(table);
  if (mappings.length === 0) {
    throw new PlantSimError(
      'MAPPING_INVALID',
      `Map at least one value column to a twin property (columns: ${table.header.join(', ')})`,
    );
  }
  const targets = new Set<string>();
  const columns = mappings.map((m) => {
    const index = columnIndex(table, m.column);
    if (index === undefined) {
      throw new PlantSimError(
        'MAPPING_INVALID',
        `The file has no column "${m.column}" (columns: ${table.header.join(', ')})`,
      );
    }
    if (index === timeIndex) {
      throw new PlantSimError('MAPPING_INVALID', `"${m.column}" is the time column`);
    }
    const target = `${m.twinId}/${m.property}`;
    if (targets.has(target)) {
      throw new PlantSimError('MAPPING_INVALID', `Two columns are mapped to ${target}`);
    }
    targets.add(target);
    return { index, mapping: m };
  });
  let skippedCells = 0;
  let readings = 0;
  const rows = table.rows.map(({ line, cells }) => {
    const atMs = parseCsvTime(cells[timeIndex]!, line);
    const values: ReplayValue[] = [];
    for (const { index, mapping } of columns) {
      const cell = cells[index]!.trim();
      if (MISSING.has(cell.toLowerCase())) {
        skippedCells++;
        continue;
      }
      const value = Number(cell);
      if (!Number.isFinite(value)) {
        throw new PlantSimError(
          'CSV_VALUE_INVALID',
          `Line ${line}, column "${mapping.column}": "${cell}" is not a number`,
          { line, column: mapping.column },
        );
      }
      const { twinId, property, unit } = mapping;
      values.push({ twinId, property, value, ...(unit ? { unit } : {}) });
    }
    readings += values.length;
    return { atMs, values };
  });
  rows.sort((a, b) => a.atMs - b.atMs);
  return {
    rows,
    firstMs: rows[0]!.atMs,
    lastMs: rows[rows.length - 1]!.atMs,
    readings,
    skippedCells,
    twins: [...new Set(mappings.map((m) => m.twinId))],
  };
}

/** One row as a plant sample, moved in time by `shiftMs` (0 keeps the file's own times). */
export function replaySample(row: ReplayRow, shiftMs: number): PlantSample {
  const atMs = row.atMs + shiftMs;
  const time = new Date(atMs).toISOString();
  return {
    atMs,
    readings: row.values.map((v) => ({
      ...v,
      time,
      readingId: readingIdOf(v.twinId, v.property, atMs),
    })),
    maintenance: [],
    notes: [],
  };
}

function columnIndex(table: CsvTable, name: string | undefined): number | undefined {
  if (name === undefined) return undefined;
  const index = table.header.indexOf(name.trim());
  if (index < 0) {
    throw new PlantSimError(
      'MAPPING_INVALID',
      `The file has no column "${name}" (columns: ${table.header.join(', ')})`,
    );
  }
  return index;
}

function findTimeColumn(table: CsvTable): number {
  const named = table.header.findIndex((h) => TIME_HEADER.test(h));
  return named >= 0 ? named : 0;
}

const LOCAL = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)(?::(\d\d)(\.\d+)?)?$/;
const DOTTED = /^(\d{4})\.(\d\d)\.(\d\d)\.(\d\d)\.(\d\d)\.(\d\d)$/;

/**
 * ISO 8601 with a zone; `2020-03-09 10:34:33` (SKAB) or `2004.02.12.10.32.39` (IMS) without
 * one, read as UTC; epoch milliseconds, or epoch seconds below 1e11.
 */
export function parseCsvTime(text: string, line: number): number {
  const cell = text.trim();
  let parsed: ReturnType<typeof parseTime> | undefined;
  if (/^\d+(\.\d+)?$/.test(cell)) {
    const n = Number(cell);
    parsed = parseTime(n >= 1e11 ? n : n * 1000, { epochMs: true });
  } else if (/(Z|[+-]\d\d:?\d\d)$/.test(cell)) {
    parsed = parseTime(cell);
  } else {
    const m = LOCAL.exec(cell) ?? DOTTED.exec(cell);
    if (m) {
      // Read as UTC, through the same strict parser: 2020-02-30 is refused, not 1 March.
      const [, y, mo, d, h, mi, s, frac] = m;
      parsed = parseTime(`${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}${frac ?? ''}Z`);
    }
  }
  if (!parsed?.ok) {
    throw new PlantSimError(
      'CSV_TIME_INVALID',
      `Line ${line}: "${cell.slice(0, 40)}" is not a time (ISO 8601, 2020-03-09 10:34:33, 2004.02.12.10.32.39 or epoch)${parsed ? `: ${parsed.reason}` : ''}`,
      { line },
    );
  }
  return parsed.ms;
}
