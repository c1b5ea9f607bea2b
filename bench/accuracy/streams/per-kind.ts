import { anomalyWindows } from './window-score';
import type { Detector } from './stream-detectors';
import type { GeneratedStream } from './stream-generator';
import { onsetsOf } from './stream-judge';

/** Per injected anomaly kind: how many were caught (an onset in the window) and how early. */
export function perKindDetection(corpus: GeneratedStream[], detector: Detector): string[] {
  const tally = new Map<string, { n: number; caught: number; delay: number[] }>();
  const streamKinds = new Map<string, { fp: number; rows: number }>();
  for (const stream of corpus) {
    const out = detector(stream);
    const onsets = onsetsOf(out.anomaly);
    const windows = anomalyWindows(stream.values.length, stream.anomalies);
    stream.anomalies.forEach((at, i) => {
      const w = windows.find((x) => at >= x.start && at <= x.end)!;
      const kind = stream.kinds[i]!;
      const t = tally.get(kind) ?? { n: 0, caught: 0, delay: [] };
      t.n += 1;
      const first = onsets.find((o) => o >= w.start && o <= w.end);
      if (first !== undefined) {
        t.caught += 1;
        t.delay.push(first - at);
      }
      tally.set(kind, t);
    });
    const outside = onsets.filter((o) => !windows.some((w) => o >= w.start && o <= w.end));
    const k = streamKinds.get(stream.kind) ?? { fp: 0, rows: 0 };
    k.fp += outside.length;
    k.rows += stream.values.length;
    streamKinds.set(stream.kind, k);
  }
  const lines = [...tally].map(([kind, t]) => {
    const d = [...t.delay].sort((a, b) => a - b);
    return `${kind.padEnd(13)} ${t.caught}/${t.n} caught, median delay ${d.length ? d[Math.floor(d.length / 2)] : '-'} rows`;
  });
  lines.push(
    'false onsets per 1,000 rows by stream kind: ' +
      [...streamKinds].map(([k, v]) => `${k} ${((1000 * v.fp) / v.rows).toFixed(2)}`).join(', '),
  );
  return lines;
}
