import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseCmapss, type UnitHistory } from '@twinlog/analytics';

export const CMAPSS_SETS = ['FD001', 'FD002', 'FD003', 'FD004'] as const;

/** Where ../shared/data is from the repository root (override with TWINLOG_DATA). */
export function cmapssDir(): string {
  return join(
    process.env['TWINLOG_DATA'] ?? join(__dirname, '..', '..', '..', 'shared', 'data'),
    'cmapss',
  );
}

/** A C-MAPSS training set (run-to-failure units), read from its .txt.gz. */
export function loadCmapssTraining(set: string, dir = cmapssDir()): UnitHistory[] {
  return parseCmapss(gunzipSync(readFileSync(join(dir, `train_${set}.txt.gz`))).toString('utf8'));
}
