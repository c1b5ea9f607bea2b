import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One IMS run-to-failure test: readings every 10 minutes (5 at the start of test 3). */
export interface ImsTest {
  name: string;
  /** Epoch ms of each row, up to the last row before the rig stopped. */
  times: number[];
  bearings: ImsBearing[];
}

export interface ImsBearing {
  name: string;
  /** Mean absolute vibration (g) per channel: x and y for test 1, one channel for tests 2 and 3. */
  channels: Array<{ name: string; values: number[] }>;
  /** The README's failures at the end of the test. */
  failed: string | undefined;
}

/** Where ../shared/data is from the repository root (override with TWINLOG_DATA). */
export function imsDir(): string {
  return join(
    process.env['TWINLOG_DATA'] ?? join(__dirname, '..', '..', '..', 'shared', 'data'),
    'ims_bearing',
  );
}

const TESTS = [
  {
    name: 'test 1',
    file: '1st_test_resmaple_10minutes.csv',
    failed: { 'bearing 3': 'inner race', 'bearing 4': 'roller element' } as Record<string, string>,
  },
  {
    name: 'test 2',
    file: '2nd_test_resmaple_10minutes.csv',
    failed: { 'bearing 1': 'outer race' },
  },
  {
    name: 'test 3',
    file: '3rd_test_resmaple_10minutes.csv',
    failed: { 'bearing 3': 'outer race' },
  },
];

export function loadImsTests(dir = imsDir()): ImsTest[] {
  return TESTS.map(({ name, file, failed }) =>
    parseIms(name, readFileSync(join(dir, file), 'utf8'), failed as Record<string, string>),
  );
}

/** `2003.10.22.12.06.24` as UTC (the rig's local time; only differences matter). */
function parseTime(text: string): number {
  const [y, mo, d, h, mi, s] = text.split('.').map(Number);
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
}

function parseIms(name: string, text: string, failed: Record<string, string>): ImsTest {
  const [header, ...lines] = text.trim().split('\n');
  const columns = header!.split(',').slice(2);
  const rows = lines.map((line) => line.split(','));
  const times = rows.map((r) => parseTime(r[1]!));
  const values = columns.map((_, c) => rows.map((r) => Number(r[c + 2])));
  // The last rows after the rig stopped read near zero on every channel: not the bearings.
  let end = rows.length;
  while (end > 0 && values.every((v) => v[end - 1]! < 0.01)) end -= 1;
  const byBearing = new Map<string, ImsBearing>();
  columns.forEach((column, c) => {
    const [, number, axis] = /^Bearing (\d)(?:-([AB]))?$/.exec(column.trim()) ?? [];
    const bearing = `bearing ${number}`;
    const entry = byBearing.get(bearing) ?? {
      name: bearing,
      channels: [],
      failed: failed[bearing],
    };
    entry.channels.push({
      name: axis ? `vibration_${axis === 'A' ? 'x' : 'y'}` : 'vibration',
      values: values[c]!.slice(0, end),
    });
    byBearing.set(bearing, entry);
  });
  return { name, times: times.slice(0, end), bearings: [...byBearing.values()] };
}
