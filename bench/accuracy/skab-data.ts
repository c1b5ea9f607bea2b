import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SkabFile {
  name: string;
  times: string[];
  rows: number[][];
  labels: number[];
  columns: string[];
}

/** Where ../shared/data is from the repository root (override with TWINLOG_DATA). */
export function skabDir(): string {
  return join(
    process.env['TWINLOG_DATA'] ?? join(__dirname, '..', '..', '..', 'shared', 'data'),
    'skab',
  );
}

/** The 34 fault experiments (valve1, valve2, other), as the SKAB protocol pools them. */
export function loadSkabFaultFiles(dir = skabDir()): SkabFile[] {
  const files: SkabFile[] = [];
  for (const group of ['valve1', 'valve2', 'other']) {
    const names = readdirSync(join(dir, group))
      .filter((f) => f.endsWith('.csv'))
      .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
    for (const name of names)
      files.push(parseSkab(`${group}/${name}`, readFileSync(join(dir, group, name), 'utf8')));
  }
  return files;
}

function parseSkab(name: string, text: string): SkabFile {
  const [header, ...lines] = text.trim().split('\n');
  const columns = header!.split(';');
  const valueColumns = columns.slice(1, columns.indexOf('anomaly'));
  const anomalyAt = columns.indexOf('anomaly');
  const file: SkabFile = { name, times: [], rows: [], labels: [], columns: valueColumns };
  for (const line of lines) {
    const cells = line.split(';');
    file.times.push(cells[0]!);
    file.rows.push(cells.slice(1, 1 + valueColumns.length).map(Number));
    file.labels.push(Number(cells[anomalyAt]));
  }
  return file;
}
