// Single-property streams (issue 23): the single-stream detector against the baselines on
// generated streams with known anomalies, scored by the public single-stream benchmark's rules
// (bench/accuracy/streams/window-score.ts), both ways the judge uses: the `score`
// column under one global threshold, and the onsets of the `anomaly` column. Then the
// sensitivity of each default (x0.5, x1.5), held-out generator seeds, and real streams (each
// SKAB property alone; the IMS bearings' channels).
//
//   npm run bench:streams                 # everything (a few minutes on a shared core)
//   npm run bench:streams -- --quick      # the development set and the baselines only
//   npm run bench:streams -- --real       # the real streams only (SKAB, IMS)
// (TWINLOG_DATA=/path/to/shared/data where ../shared/data is not next to the repository)
import { performance } from 'node:perf_hooks';
import { DEFAULT_SINGLE_STREAM, type SingleStreamSettings } from '@twinlog/analytics';
import { realStreamChecks } from './streams/real-streams';
import {
  adaptiveBaseline,
  multivariateOnOne,
  singleStream,
  windowedGaussian,
  type Detector,
} from './streams/stream-detectors';
import { generateStreams, type GeneratedStream } from './streams/stream-generator';
import { judge, type Judged } from './streams/stream-judge';
import { perKindDetection } from './streams/per-kind';

const STREAMS = 58;
const DEV_SEED = 1;
const HELD_OUT_SEEDS = [2, 3, 4];

function run(corpus: GeneratedStream[], detector: Detector): Judged {
  return judge(
    corpus.map((s) => ({ name: s.name, length: s.values.length, anomalies: s.anomalies })),
    corpus.map((s) => detector(s)),
  );
}

function line(label: string, j: Judged, base?: Judged): string {
  const ratio = base ? `  (x${(j.onsets / Math.max(1e-9, base.onsets)).toFixed(2)} onsets)` : '';
  return (
    `${label.padEnd(34)} onsets ${j.onsets.toFixed(1).padStart(6)}  score@0.5 ${j.atDefault.toFixed(1).padStart(6)}  ` +
    `score best ${j.best.toFixed(1).padStart(6)} @${j.bestThreshold.toFixed(3)}  ` +
    `TP ${j.tp} FP ${j.fp} FN ${j.fn}${ratio}`
  );
}

function main(): number {
  const quick = process.argv.includes('--quick');
  if (process.argv.includes('--real')) {
    for (const text of realStreamChecks(singleStream(), multivariateOnOne)) console.log(text);
    return 0;
  }
  const dev = generateStreams(DEV_SEED, STREAMS);
  const rows = dev.reduce((n, s) => n + s.values.length, 0);
  const windows = dev.reduce((n, s) => n + s.anomalies.length, 0);
  console.log(
    `development set: seed ${DEV_SEED}, ${dev.length} streams, ${rows} rows, ${windows} anomalies`,
  );
  const started = performance.now();
  const ours = run(dev, singleStream());
  const perRow = ((performance.now() - started) * 1000) / rows;
  const baselines: Array<[string, Detector]> = [
    ['windowed Gaussian (benchmark baseline)', windowedGaussian()],
    ['multivariate on one property (today)', multivariateOnOne],
    ['adaptive baseline (service, per property)', adaptiveBaseline],
  ];
  console.log(line('single-stream detector (defaults)', ours));
  for (const [label, detector] of baselines) {
    const theirs = run(dev, detector);
    console.log(line(label, theirs));
    console.log(
      `  single-stream / this baseline: onsets x${ratio(ours.onsets, theirs.onsets)}, best score x${ratio(ours.best, theirs.best)}`,
    );
  }
  console.log(`cost: ${perRow.toFixed(1)} µs per row (one core, machine shared)`);
  console.log('\ndetection by injected kind (single-stream, onsets):');
  for (const row of perKindDetection(dev, singleStream())) console.log(`  ${row}`);
  if (quick) return 0;

  console.log('\nsensitivity: each default x0.5 and x1.5 (development set)');
  for (const [key, low, high] of sensitivityGrid()) {
    const a = run(dev, singleStream({ ...DEFAULT_SINGLE_STREAM, ...low }));
    const b = run(dev, singleStream({ ...DEFAULT_SINGLE_STREAM, ...high }));
    console.log(
      `  ${key.padEnd(17)} x0.5: onsets ${a.onsets.toFixed(1)}, best ${a.best.toFixed(1)} | x1.5: onsets ${b.onsets.toFixed(1)}, best ${b.best.toFixed(1)}`,
    );
  }

  console.log('\nheld-out generator seeds (defaults unchanged):');
  for (const seed of HELD_OUT_SEEDS) {
    const corpus = generateStreams(seed, STREAMS);
    const j = run(corpus, singleStream());
    const g = run(corpus, windowedGaussian());
    console.log(
      line(`seed ${seed}`, j, g) +
        `  windowed Gaussian ${g.onsets.toFixed(1)} / best ${g.best.toFixed(1)}`,
    );
  }

  console.log('\nreal streams, each property alone:');
  for (const text of realStreamChecks(singleStream(), multivariateOnOne)) console.log(text);
  return 0;
}

function ratio(a: number, b: number): string {
  return b > 0 ? (a / b).toFixed(2) : 'n/a (baseline <= 0)';
}

type Grid = Array<[string, Partial<SingleStreamSettings>, Partial<SingleStreamSettings>]>;

function sensitivityGrid(): Grid {
  const d = DEFAULT_SINGLE_STREAM;
  const half = (n: number) => Math.max(1, Math.round(n * 0.5));
  const more = (n: number) => Math.round(n * 1.5);
  return [
    [
      'alarmProbability',
      { alarmProbability: d.alarmProbability * 0.5 },
      { alarmProbability: d.alarmProbability * 1.5 },
    ],
    [
      'suppressRows',
      { suppressRows: half(d.suppressRows) },
      { suppressRows: more(d.suppressRows) },
    ],
    ['learnRows', { learnRows: half(d.learnRows) }, { learnRows: more(d.learnRows) }],
    ['historyRows', { historyRows: half(d.historyRows) }, { historyRows: more(d.historyRows) }],
    ['levelWeight', { levelWeight: d.levelWeight * 0.5 }, { levelWeight: d.levelWeight * 1.5 }],
    ['levels', { levels: half(d.levels) }, { levels: more(d.levels) }],
  ];
}

process.exitCode = main();
