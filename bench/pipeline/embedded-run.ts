// The pipeline bench against `npm start`'s embedded all-in-one (issue 24, "for the laptop
// user"): one process, its own data directory, authentication on, the simulator off. The same
// plant-shaped HTTP load, probes, tables, chart and contract line as the distributed run; the
// stages are those the embedded mode has: the log (its telemetry stream, counted once the
// process has stopped), twin state, the telemetry store (over the telemetry API) and the
// anomaly worker. No raw Kafka baseline (there is no Kafka), no peer, and no MQTT lane: the
// embedded process has no broker of its own (it takes MQTT only when MQTT_URL names one).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@twinlog/testing';
import {
  startTwinlogProcess,
  type TwinlogProcess,
} from '../../apps/all-in-one/src/testing/twinlog-process';
import { writeRunChart } from './chart-file';
import {
  embeddedBehind,
  embeddedDrained,
  waitForDrain,
  type EmbeddedProgress as Progress,
} from './drain';
import {
  embeddedWatch,
  pointsQueryable,
  readingsFolded,
  readingsInLog,
  readingsJudged,
  registerPlant,
  type EmbeddedEndpoints,
} from './embedded-stages';
import { ALARM_EVERY, startProbes } from './latency-probe';
import { startLoad } from './load';
import { accountLosses, describeDifferences, type StageCount } from './loss-accounting';
import type { PlantShape } from './plant-load';
import { RunTimeline, timelineChart } from './run-timeline';
import { memoryOf } from './proc-figures';
import {
  contractLine,
  latencyRows,
  latencyTable,
  memoryTable,
  pipelineRows,
  rateTable,
  stageTable,
  type ProcessMemory,
} from './summary';

export interface EmbeddedOptions {
  seconds: number;
  /** Readings/s, 0 for as fast as it goes. */
  rate: number;
  twins: number;
  batch: number;
  twinsPerBatch: number;
  httpConnections: number;
  drainSeconds: number;
  probeMs: number;
  say: (line: string) => void;
}

const TWIN_TYPE = 'cnc-milling-machine';
const STAGES = { folded: 'twin-state (folded)', judged: 'anomaly (judged)' };
// The probes' polls share the measured process's event loop here (distributed, each goes to a
// process of its own): 25/100/100 ms slowed intake from ~7,900 to ~460 readings/s.
const EMBEDDED_POLL_MS = { state: 100, store: 250, anomaly: 250 };
const int = (n: number) => Math.round(n).toLocaleString('en-US');

export async function measureEmbedded(
  o: EmbeddedOptions,
): Promise<{ code: number; contract: string }> {
  const run = randomUUID().slice(0, 8);
  const dataDir = mkdtempSync(join(tmpdir(), 'twinlog-bench-pipeline-embedded-'));
  o.say(`starting the embedded all-in-one (npm start, simulator off, data in ${dataDir})...`);
  const twinlog = await startTwinlogProcess(
    {
      TWINLOG_MODE: 'embedded',
      TWINLOG_DATA_DIR: dataDir,
      TWINLOG_HTTP_PORT: String(await freePort()),
      TWINLOG_SIMULATOR: 'off',
      TWINLOG_AUTH: 'on',
      // Per key and service, 50/s by default: the store's count asks once per twin (101 in a
      // row), beside the probes' 18 polls a second. The bench measures the pipeline, not this.
      TWINLOG_RATE_LIMIT_PER_SECOND: '100000',
      TWINLOG_RATE_LIMIT_BURST: '100000',
      TWINLOG_LOG_FORMAT: 'json',
      // A broker named for the distributed run is not the laptop's.
      MQTT_URL: '',
    },
    300_000,
  );
  let code = 1;
  try {
    const apiKey = readFileSync(join(dataDir, 'admin.key'), 'utf8').trim();
    const result = await measure(o, run, twinlog, { url: twinlog.url, apiKey }, dataDir);
    code = result.code;
    return result;
  } finally {
    await twinlog.stop();
    if (code === 0) rmSync(dataDir, { recursive: true, force: true });
    else o.say(`the process's data kept in ${dataDir}`);
  }
}

async function measure(
  o: EmbeddedOptions,
  run: string,
  twinlog: TwinlogProcess,
  e: Required<EmbeddedEndpoints>,
  dataDir: string,
): Promise<{ code: number; contract: string }> {
  const site = `bench-${run}`;
  const shape: PlantShape = {
    run,
    site,
    twinIds: Array.from({ length: o.twins }, (_, i) => `${site}-cnc-${i}`),
    // As in the distributed run: room for 200,000 readings/s before the readings reach now.
    startMs: Date.now() - 3_600_000 - o.seconds * 50_000,
  };
  const probeTwin = `${site}-probe`;
  const registeredAt = Date.now();
  await registerPlant(e, [...shape.twinIds, probeTwin], TWIN_TYPE, site);
  o.say(
    `${o.twins} twins (${TWIN_TYPE}, 4 properties), ${o.rate > 0 ? `${int(o.rate)} readings/s` : 'as fast as it goes'} for ${o.seconds} s: HTTP batches of ${o.batch} over ${o.twinsPerBatch} twins on ${o.httpConnections} connections; no MQTT lane (the embedded process has no broker of its own)`,
  );
  const before = { folded: await readingsFolded(e), judged: await readingsJudged(e) };
  const pid = twinlog.child.pid!;
  const timeline = new RunTimeline(1_000);
  let ackedNow = () => 0;
  // The store is counted (a query per twin) only once twin state and the anomaly worker hold
  // all that was acknowledged, after the load; and at the very end, whatever they hold.
  let countPoints = (_folded: number, _judged: number) => false;
  const sample = async (): Promise<Progress> => {
    const [folded, judged] = await Promise.all([
      readingsFolded(e).catch(() => NaN),
      readingsJudged(e).catch(() => NaN),
    ]);
    const p: Progress = {
      folded: folded - before.folded,
      judged: judged - before.judged,
      points: countPoints(folded - before.folded, judged - before.judged)
        ? await pointsQueryable(e, [...shape.twinIds, probeTwin], shape.startMs).catch(() => NaN)
        : NaN,
    };
    timeline.offer({
      at: Date.now(),
      acked: ackedNow(),
      done: { [STAGES.folded]: p.folded, [STAGES.judged]: p.judged },
    });
    return p;
  };

  const startedAt = Date.now();
  timeline.offer({ at: startedAt, acked: 0, done: { [STAGES.folded]: 0, [STAGES.judged]: 0 } });
  const load = startLoad([
    {
      lane: 'http',
      shape,
      twins: shape.twinIds,
      url: e.url,
      apiKey: e.apiKey,
      rate: o.rate,
      connections: o.httpConnections,
      batch: o.batch,
      twinsPerBatch: o.twinsPerBatch,
      window: 1,
    },
  ]);
  const probes =
    o.probeMs > 0
      ? startProbes({
          ingestion: e.url,
          twinState: e.url,
          apiKey: e.apiKey,
          watch: embeddedWatch(e, probeTwin, registeredAt - 60_000, EMBEDDED_POLL_MS.anomaly),
          pollStateMs: EMBEDDED_POLL_MS.state,
          pollStoreMs: EMBEDDED_POLL_MS.store,
          twinId: probeTwin,
          everyMs: o.probeMs,
          run,
        })
      : undefined;
  ackedNow = () => load.acked() + (probes?.acked() ?? 0);
  let memory: ProcessMemory = { process: 'all-in-one (embedded)', peakMb: 0, steadyMb: 0 };
  let lastAcked = 0;
  let lastAt = startedAt;
  while (Date.now() - startedAt < o.seconds * 1000) {
    const wait = Math.min(1_000, o.seconds * 1000 - (Date.now() - startedAt));
    await Promise.race([new Promise((r) => setTimeout(r, wait)), load.failed]);
    const acked = load.acked();
    const progress = await sample();
    const now = Date.now();
    if (now - lastAt < 5_000 && now - startedAt < o.seconds * 1000) continue;
    o.say(
      `[+${Math.round((now - startedAt) / 1000)}s] ${int(((acked - lastAcked) * 1000) / (now - lastAt))} readings/s acknowledged (${int(acked)} in all); ${embeddedBehind(acked, progress)}; RSS ${int(memoryOf(pid).rssMb)} MB`,
    );
    lastAcked = acked;
    lastAt = now;
  }
  const [reports] = await Promise.all([load.stop(), probes?.stop()]);
  const probesSeen = probes?.settle(o.drainSeconds * 1000);
  const loadEnd = Date.now();
  const m = memoryOf(pid);
  memory = { ...memory, peakMb: m.peakMb, steadyMb: m.rssMb };
  const acknowledged = load.acked() + (probes?.acked() ?? 0);
  for (const [lane, r] of Object.entries(reports))
    o.say(
      `${lane}: ${int(r.acked)} readings acknowledged, ${r.rejected} rejected, ${r.retries} resends${r.firstError ? `; first refusal: ${r.firstError}` : ''}`,
    );

  // Twin state and the anomaly worker first; then the store, a query per twin, until it holds all.
  countPoints = (folded, judged) => folded >= acknowledged && judged >= acknowledged;
  const drainedAt = await waitForDrain(acknowledged, sample, {
    seconds: o.drainSeconds,
    progressMs: 5_000,
    pollMs: 250,
    say: o.say,
    isDrained: embeddedDrained,
    describe: embeddedBehind,
  });
  if (!drainedAt)
    o.say(
      `the pipeline did not drain within ${o.drainSeconds} s: counting what each stage holds now`,
    );
  const endAt = drainedAt || Date.now();
  countPoints = () => true;
  const final = await sample();
  const probed = (await probesSeen) ?? [];
  const m2 = memoryOf(pid);
  memory = { ...memory, peakMb: m2.peakMb };

  // The log is counted from its file, as the topic is read from its start in the distributed run.
  await twinlog.stopCleanly();
  const inLog = await readingsInLog(dataDir, `${site}-`);
  const topic: StageCount = { stage: 'event log (telemetry stream)', readings: inLog };
  const consumers: StageCount[] = [
    { stage: 'twin state (folded)', readings: final.folded },
    { stage: 'telemetry store (queryable points)', readings: final.points },
    { stage: 'anomaly worker (judged)', readings: final.judged },
  ];
  const verdict = accountLosses(acknowledged, topic, consumers);
  const chartFile = writeRunChart(
    `${run}-embedded`,
    timelineChart({
      title: `bench:pipeline ${run} (embedded, one process): ${o.twins} twins over HTTP, ${o.rate > 0 ? `${int(o.rate)} readings/s asked` : 'as fast as it goes'}, ${o.seconds} s of load, then the drain`,
      startedAt,
      loadEndedAt: loadEnd,
      samples: timeline.samples,
      probes: probed,
    }),
  );

  console.log('');
  console.log(
    rateTable(
      pipelineRows('twinlog embedded', acknowledged, { startedAt, loadEnd, endAt }),
      // Not in this table: the column says so, the line below why.
      'raw kafkajs',
    ),
  );
  console.log(
    'no raw Kafka baseline (the embedded mode has no Kafka) and no TIG peer; HTTP only (no MQTT broker in the embedded mode)',
  );
  console.log('');
  console.log(stageTable(acknowledged, topic, consumers));
  console.log('');
  console.log(memoryTable([memory]));
  const latencies = latencyRows(probed, 'telemetry store');
  if (latencies.length) {
    console.log('');
    console.log(
      `latency probes: one reading every ${o.probeMs} ms for one twin of its own, every ${ALARM_EVERY}th above its alarm limit${o.rate > 0 ? '' : ', while the load went as fast as it could (a queue, not a latency: give --rate for one)'}; the store polled over the telemetry API, AnomalyDetected over the audit trail`,
    );
    console.log(latencyTable(latencies));
  }
  console.log('');
  console.log(`chart of rate, lag and latency over the run: ${chartFile}`);
  console.log('');
  if (!drainedAt) console.log(`FAIL: not drained within ${o.drainSeconds} s`);
  for (const line of describeDifferences(verdict, drainedAt > 0)) console.log(`FAIL: ${line}`);
  return {
    code: verdict.differences.length === 0 && drainedAt ? 0 : 1,
    contract: contractLine(acknowledged / ((endAt - startedAt) / 1000), verdict.lost),
  };
}
