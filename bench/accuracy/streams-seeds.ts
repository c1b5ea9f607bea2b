// The single-stream detector alone on given generator seeds, with detection by injected kind:
// the held-out seeds' per-kind figures in BENCHMARKS.md (bench:streams prints them for the
// development seed only).
//
//   bash tools/dev/with-node.sh node -r ./tools/dev/register.cjs bench/accuracy/streams-seeds.ts 2 3 4
import { perKindDetection } from './streams/per-kind';
import { singleStream } from './streams/stream-detectors';
import { generateStreams } from './streams/stream-generator';
import { judge } from './streams/stream-judge';

const STREAMS = 58;

for (const seed of process.argv.slice(2).map(Number)) {
  const corpus = generateStreams(seed, STREAMS);
  const outputs = corpus.map((s) => singleStream()(s));
  const j = judge(
    corpus.map((s) => ({ name: s.name, length: s.values.length, anomalies: s.anomalies })),
    outputs,
  );
  console.log(
    `seed ${seed}: onsets ${j.onsets.toFixed(1)} score@0.5 ${j.atDefault.toFixed(1)} ` +
      `best ${j.best.toFixed(1)} @${j.bestThreshold.toFixed(3)} TP ${j.tp} FP ${j.fp} FN ${j.fn}`,
  );
  // per-kind runs the detector per stream; hand it the outputs already computed, in order.
  let next = 0;
  for (const row of perKindDetection(corpus, () => outputs[next++]!)) console.log(`  ${row}`);
}
