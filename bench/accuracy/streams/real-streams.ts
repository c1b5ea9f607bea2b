// Real data, each property alone: SKAB's fault files (every sensor column a stream, labelled at
// the onset of each anomalous segment) scored by the same rules; the IMS bearings' channels for
// false alarms while healthy (first half of each run) and the first alarm before the failure.
import { loadImsTests } from '../ims-data';
import { loadSkabFaultFiles } from '../skab-data';
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
  for (const [label, d] of [['single-stream', ours], ['multivariate on one', baseline]] as const) {
    const j = judge(corpus, corpus.map((s) => d(s)));
    lines.push(
      `  SKAB, ${corpus.length} property streams, ${label.padEnd(19)}: onsets ${j.onsets.toFixed(1)}, ` +
        `score best ${j.best.toFixed(1)} @${j.bestThreshold.toFixed(3)} (TP ${j.tp} FP ${j.fp} FN ${j.fn})`,
    );
  }
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
