import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@twinlog/testing';
import { chartSvg, type ChartSpec } from './chart-svg';

/** Writes the run's chart to tmp/bench-pipeline/<run>.svg under the repository; returns its path. */
export function writeRunChart(run: string, spec: ChartSpec): string {
  const dir = join(repoRoot(), 'tmp', 'bench-pipeline');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${run}.svg`);
  writeFileSync(file, chartSvg(spec));
  return file;
}
