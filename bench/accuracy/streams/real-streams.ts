// Real data, each property alone: SKAB's fault files (every sensor column a stream, labelled at
// the onset of each anomalous segment) scored by the same rules; SKAB's anomaly-free run for
// false alarms on a healthy pump; the IMS bearings' channels for false alarms while healthy
// (first half of each run) and the first alarm before the failure.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadImsTests } from '../ims-data';
import { loadSkabFaultFiles, skabDir } from '../skab-data';
import type { Detector } from './stream-detectors';
import { judge, onsetsOf, type Labelled } from './stream-judge';

export function realStreamChecks(ours: Detector, baseline: Detector): string[] {
  const lines: string[] = [];
  const files = loadSkabFaultFiles();
  const corpus: Array<Labelled & { times: number[]; values: number[] }> = [];
  for (const f of files) {
    const times = f.times.map((t) => Date.parse(`${t.replace(' ', 'T')}Z`));
    const anomalies = onsetsOf(f.labels);
    f.columns.forEach((column, c) =>
      corpus.push({
        name: `${f.name}:${column}`,
        length: f.rows.length,
        anomalies,
        times,
        values: f.rows.map((r) => r[c]!),
      }),
    );
  }
  for (const [label, d] of [
    ['single-stream', ours],
    ['multivariate on one', baseline],
  ] as const) {
    const j = judge(
      corpus,
      corpus.map((s) => d(s)),
    );
    lines.push(
      `  SKAB, ${corpus.length} property streams, ${label.padEnd(19)}: onsets ${j.onsets.toFixed(1)}, ` +
        `score best ${j.best.toFixed(1)} @${j.bestThreshold.toFixed(3)} (TP ${j.tp} FP ${j.fp} FN ${j.fn})`,
    );
  }
  lines.push(...healthyPump(ours));
  for (const test of loadImsTests()) {
    const days = (test.times[test.times.length - 1]! - test.times[0]!) / 86_400_000;
    for (const bearing of test.bearings) {
      for (const channel of bearing.channels) {
        const half = Math.floor(channel.values.length / 2);
        const out = ours({ times: test.times, values: channel.values });
        const onsets = onsetsOf(out.anomaly);
        const healthy = onsets.filter((o) => o < half).length;
        const late = onsets.filter((o) => o >= half);
        const lead = late.length
          ? `${((test.times[test.times.length - 1]! - test.times[late[0]!]!) / 3_600_000).toFixed(0)} h before the end`
          : 'none';
        lines.push(
          `  IMS ${test.name} ${bearing.name} ${channel.name}${bearing.failed ? ` (fails: ${bearing.failed})` : ''}: ` +
            `${healthy} alarms in the first half (${(healthy / (days / 2)).toFixed(2)}/day); first alarm in the second half ${lead}`,
        );
      }
    }
  }
  return lines;
}

/**
 * SKAB's anomaly-free run (9,405 one-second rows of a healthy pump), each property alone: the
 * alarms a healthy property raises per hour at one reading a second.
 */
function healthyPump(ours: Detector): string[] {
  const text = readFileSync(join(skabDir(), 'anomaly-free', 'anomaly-free.csv'), 'utf8');
  const [header, ...rows] = text.trim().split('\n');
  const columns = header!.split(';');
  const times = rows.map((r) => Date.parse(`${r.split(';')[0]!.replace(' ', 'T')}Z`));
  const hours = (times[times.length - 1]! - times[0]!) / 3_600_000;
  const counts = columns.slice(1, columns.indexOf('anomaly')).map((column, c) => {
    const values = rows.map((r) => Number(r.split(';')[c + 1]));
    return `${column} ${onsetsOf(ours({ times, values }).anomaly).length}`;
  });
  const total = counts.reduce((n, c) => n + Number(c.split(' ').pop()), 0);
  return [
    `  SKAB anomaly-free (${hours.toFixed(1)} h at 1 reading/s), alarms per property: ${counts.join(', ')}; ` +
      `${(total / counts.length / hours).toFixed(2)} per property-hour`,
  ];
}
