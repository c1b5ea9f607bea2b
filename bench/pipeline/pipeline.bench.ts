// The whole pipeline's rate with nothing lost (issue 24). Distributed mode as deployed: real
// Kafka, InfluxDB and mosquitto, each service its own process (ingestion with its InfluxDB
// writer, twin-state, two anomaly workers in one group, maintenance). A plant-shaped load
// (HTTP batches and MQTT messages, from worker threads) runs for --seconds; then, once every
// stage has drained, each stage's count must equal what was acknowledged, or the run fails and
// names the stage. The raw baseline moves the same telemetry messages through a bare kafkajs
// producer and consumer group in the same run.
//
//   npm run bench:pipeline -- [--seconds 30] [--rate 0 (as fast as it goes)] [--twins 100]
//       [--batch 1000] [--twins-per-batch 50] [--http-connections 4] [--mqtt-connections 4]
//       [--mqtt-readings 10] [--mqtt-window 64] [--mqtt-share 0.25] [--drain-seconds 180]
//       [--probe-ms 200 (latency probes; 0 for none)]
//       [--cpu-prof (each service's CPU profile, its top self times printed at the end)]
//       [--heap-snapshot (each service's memory in its parts and what its heap holds, at the end)]
//       [--node-flags "--flag --flag" (Node or V8 flags for every service, for an A/B of runtime
//        settings; NODE_OPTIONS would not take V8's, e.g. --heap-growing-percent)]
//       [--no-peer] [--peer-seconds (--seconds)] [--peer-connections (--mqtt-connections, or 4)]
//       [--embedded (npm start's one process instead: HTTP only, no baseline, no peer)]
//
// Through the load and the drain the stage counters are sampled about once a second; at the
// end a chart of rate, lag and probe latency is written to tmp/bench-pipeline/<run>.svg.
//
// After Twinlog's run, on the same servers, the "TIG" peer (mosquitto -> Telegraf -> InfluxDB,
// peer-run.ts) gets the same plant's readings, all over MQTT in the MQTT lane's message form, at
// --rate (all of it) for --peer-seconds: its rate, nothing-lost count and latency are more rows
// of the tables, and Twinlog's rate over its rate is the price of the guarantees. Points missing
// at the peer fail the run too; --no-peer skips it.
//
// The last line on stdout is `pipeline: <N> readings/s, lost <M>` (N from the first send to
// the last stage drained); a loss, or any difference, makes the exit code 1.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { repoRoot } from '@twinlog/testing';
import { arg, argOrZero, wordsArg } from '../event-log/bench-util';
import { printProfiles } from '../mqtt/report';
import { writeRunChart } from './chart-file';
import { behind, drained, waitForDrain, type StageProgress } from './drain';
import { measureEmbedded } from './embedded-run';
import { startLoad } from './load';
import { ALARM_EVERY, distributedWatch, startProbes } from './latency-probe';
import type { LaneJob } from './load.worker';
import { accountLosses, describeDifferences, type StageCount } from './loss-accounting';
import { laneTwins, type PlantShape } from './plant-load';
import { runPeer, type PeerResult } from './peer-run';
import { rawPipe } from './raw-baseline';
import { RunTimeline, timelineChart } from './run-timeline';
import { takeHeapSnapshots } from './heap-snapshots';
import { cpuSecondsOf, memoryOf } from './proc-figures';
import { registerPlant, startStack, type Stack } from './stack';
import {
  groupLag,
  pointsInInflux,
  readingsFolded,
  readingsInTopic,
  readingsJudged,
  readingsSeenByMaintenance,
  telemetryTopic,
  type StageEndpoints,
} from './stages';
import {
  contractLine,
  latencyRows,
  latencyTable,
  memoryTable,
  peerCountLine,
  pipelineRows,
  priceOfGuarantees,
  rateTable,
  stageTable,
  type ProcessMemory,
  type RateRow,
} from './summary';

const SECONDS = arg('seconds', 30);
const RATE = argOrZero('rate', 0);
const TWINS = arg('twins', 100);
const BATCH = arg('batch', 1_000);
const TWINS_PER_BATCH = arg('twins-per-batch', 50);
const HTTP_CONNECTIONS = arg('http-connections', 4);
const MQTT_CONNECTIONS = argOrZero('mqtt-connections', 4);
const MQTT_READINGS = arg('mqtt-readings', 10);
const MQTT_WINDOW = arg('mqtt-window', 64);
const MQTT_SHARE = argOrZero('mqtt-share', 0.25);
const DRAIN_SECONDS = arg('drain-seconds', 180);
// Each service's CPU profile over the load and the drain, summed up at the end.
const PROFILE = process.argv.includes('--cpu-prof');
// Each service's memory at the end, in its parts and by what holds its heap (heap-snapshots.ts).
const HEAP_SNAPSHOT = process.argv.includes('--heap-snapshot');
const NODE_FLAGS = wordsArg('node-flags');
// A latency probe reading every this many ms (0: none).
const PROBE_MS = argOrZero('probe-ms', 200);
const PEER = !process.argv.includes('--no-peer');
// `npm start`'s all-in-one instead of the distributed services (embedded-run.ts).
const EMBEDDED = process.argv.includes('--embedded');
const PEER_SECONDS = arg('peer-seconds', SECONDS);
const PEER_CONNECTIONS = arg('peer-connections', MQTT_CONNECTIONS || 4);
const PROGRESS_MS = 5_000;
// The chart's resolution: the stage counters are read about this often through the run.
const SAMPLE_MS = 1_000;
const TWIN_TYPE = 'cnc-milling-machine';
const RAW = 'raw kafkajs';
const WRITER_LAG = 'InfluxDB writer (group lag)';

const say = (line: string) => process.stderr.write(`${line}\n`);
const int = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<number> {
  if (EMBEDDED) {
    if (HEAP_SNAPSHOT || PROFILE || NODE_FLAGS.length > 0)
      throw new Error(
        '--heap-snapshot, --cpu-prof and --node-flags are for the distributed services, not --embedded',
      );
    const result = await measureEmbedded({
      seconds: SECONDS,
      rate: RATE,
      twins: TWINS,
      batch: BATCH,
      twinsPerBatch: TWINS_PER_BATCH,
      httpConnections: HTTP_CONNECTIONS,
      drainSeconds: DRAIN_SECONDS,
      probeMs: PROBE_MS,
      say,
    });
    console.log(result.contract);
    return result.code;
  }
  const runDir = (kind: string) => join(repoRoot(), 'tmp', kind, String(Date.now()));
  const profileDir = PROFILE ? runDir('bench-pipeline-profiles') : undefined;
  const heapDir = HEAP_SNAPSHOT ? runDir('bench-pipeline-heaps') : undefined;
  const stack = await startStack(say, {
    ...(profileDir ? { profileDir } : {}),
    ...(heapDir ? { heapDir } : {}),
    nodeFlags: NODE_FLAGS,
  });
  let result: Measured | undefined;
  try {
    result = await measure(stack, heapDir);
  } finally {
    await stack.stop();
    // Kept when the run failed: the services' lines say what they saw.
    if (result?.code === 0) rmSync(stack.dir, { recursive: true, force: true });
    else say(`the services' lines: ${stack.logFile}`);
  }
  // Written as each process exits; only the load and the drain are looked at.
  for (const p of profileDir ? stack.processes : []) {
    console.log(`\n${p.name}:`);
    printProfiles(join(profileDir!, p.name), p.pid, {
      ...result.window,
      exitedAt: stack.exitedAt(p.name),
    });
  }
  if (result.heap.length > 0) console.log(`\n${result.heap.join('\n')}`);
  console.log(result.contract);
  return result.code;
}

interface Measured {
  code: number;
  contract: string;
  /** Each service's memory in its parts and what its heap held, at the end (--heap-snapshot). */
  heap: string[];
  /** From the first send to the end of the drain (epoch ms). */
  window: { from: number; to: number };
}

async function measure(stack: Stack, heapDir: string | undefined): Promise<Measured> {
  const site = `bench-${stack.run}`;
  const shape: PlantShape = {
    run: stack.run,
    site,
    twinIds: Array.from({ length: TWINS }, (_, i) => `${site}-cnc-${i}`),
    // Samples are 1 ms apart (4 readings each): room for 200,000 readings/s per lane for the
    // whole run before they reach now (ingestion refuses readings from the future).
    startMs: Date.now() - 3_600_000 - SECONDS * 50_000,
  };
  const probeTwin = `${site}-probe`;
  await registerPlant(stack, [...shape.twinIds, probeTwin], TWIN_TYPE, site, say);
  const env = stack.serversEnv;
  const endpoints: StageEndpoints = {
    twinState: stack.url('twin-state'),
    anomaly: [stack.url('anomaly-1'), stack.url('anomaly-2')],
    maintenance: stack.url('maintenance'),
    ...(stack.apiKey ? { apiKey: stack.apiKey } : {}),
    brokers: env['KAFKA_BROKERS']!.split(','),
    topicPrefix: stack.topicPrefix,
    influx: {
      url: env['INFLUX_URL']!,
      token: env['INFLUX_TOKEN']!,
      org: env['INFLUX_ORG']!,
      bucket: env['INFLUX_BUCKET'] ?? 'telemetry',
    },
    site,
    twinType: TWIN_TYPE,
  };
  const admin = new Kafka({ brokers: endpoints.brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const writerGroup = `${stack.topicPrefix}ingestion-telemetry-writer`;
  const before = {
    folded: await readingsFolded(endpoints),
    judged: await readingsJudged(endpoints),
    seen: await readingsSeenByMaintenance(endpoints),
  };

  const mqttShare = MQTT_CONNECTIONS > 0 ? MQTT_SHARE : 0;
  const jobs: LaneJob[] = [
    {
      lane: 'http',
      shape,
      twins: laneTwins(shape, 'http'),
      url: stack.url('ingestion'),
      ...(stack.apiKey ? { apiKey: stack.apiKey } : {}),
      rate: RATE * (1 - mqttShare),
      connections: HTTP_CONNECTIONS,
      batch: BATCH,
      twinsPerBatch: TWINS_PER_BATCH,
      window: 1,
    },
    ...(MQTT_CONNECTIONS > 0
      ? [
          {
            lane: 'mqtt' as const,
            shape,
            twins: laneTwins(shape, 'mqtt'),
            url: env['MQTT_URL']!,
            rate: RATE * mqttShare,
            connections: MQTT_CONNECTIONS,
            batch: MQTT_READINGS,
            twinsPerBatch: 1,
            window: MQTT_WINDOW,
          },
        ]
      : []),
  ];
  say(
    `${TWINS} twins (${TWIN_TYPE}, 4 properties), ${RATE > 0 ? `${int(RATE)} readings/s` : 'as fast as it goes'} for ${SECONDS} s: HTTP batches of ${BATCH} over ${TWINS_PER_BATCH} twins on ${HTTP_CONNECTIONS} connections` +
      (MQTT_CONNECTIONS > 0
        ? `, MQTT QoS 1 messages of ${MQTT_READINGS} readings on ${MQTT_CONNECTIONS} connections (window ${MQTT_WINDOW})`
        : ''),
  );

  // Counts and lags of every stage, relative to this run's start; each look is kept for the chart.
  const timeline = new RunTimeline(SAMPLE_MS);
  let ackedNow = () => 0;
  const sample = async (): Promise<StageProgress> => {
    const [folded, judged, seen, writerLag] = await Promise.all([
      readingsFolded(endpoints),
      readingsJudged(endpoints),
      readingsSeenByMaintenance(endpoints),
      groupLag(admin, writerGroup, telemetryTopic(endpoints)).catch(() => NaN),
    ]);
    const progress = {
      folded: folded - before.folded,
      judged: judged - before.judged,
      seen: seen - before.seen,
      writerLag,
    };
    timeline.offer({
      at: Date.now(),
      acked: ackedNow(),
      done: {
        'twin-state (folded)': progress.folded,
        'anomaly (judged)': progress.judged,
        'maintenance (seen)': progress.seen,
      },
      lags: { [WRITER_LAG]: writerLag },
    });
    return progress;
  };

  const startedAt = Date.now();
  const load = startLoad(jobs);
  const probes =
    PROBE_MS > 0
      ? startProbes({
          ingestion: stack.url('ingestion'),
          twinState: endpoints.twinState,
          ...(stack.apiKey ? { apiKey: stack.apiKey } : {}),
          watch: distributedWatch(endpoints, probeTwin),
          twinId: probeTwin,
          everyMs: PROBE_MS,
          run: stack.run,
        })
      : undefined;
  ackedNow = () => load.acked() + (probes?.acked() ?? 0);
  timeline.offer({
    at: startedAt,
    acked: 0,
    done: { 'twin-state (folded)': 0, 'anomaly (judged)': 0, 'maintenance (seen)': 0 },
    lags: { [WRITER_LAG]: 0 },
  });
  let lastAcked = 0;
  let lastAt = startedAt;
  const memory = new Map<string, ProcessMemory>();
  const cpuAtStart = new Map(stack.processes.map((p) => [p.name, cpuSecondsOf(p.pid)]));
  const sampleMemory = (atEnd: boolean) => {
    for (const p of stack.processes) {
      const m = memoryOf(p.pid);
      const known = memory.get(p.name);
      memory.set(p.name, {
        process: p.name,
        peakMb: m.peakMb,
        steadyMb: atEnd || !known ? m.rssMb : known.steadyMb,
      });
    }
  };
  while (Date.now() - startedAt < SECONDS * 1000) {
    const wait = Math.min(SAMPLE_MS, SECONDS * 1000 - (Date.now() - startedAt));
    await Promise.race([new Promise((r) => setTimeout(r, wait)), load.failed]);
    const acked = load.acked();
    const progress = await sample();
    const now = Date.now();
    if (now - lastAt < PROGRESS_MS && now - startedAt < SECONDS * 1000) continue;
    sampleMemory(false);
    say(
      `[+${Math.round((now - startedAt) / 1000)}s] ${int(((acked - lastAcked) * 1000) / (now - lastAt))} readings/s acknowledged (${int(acked)} in all); ${behind(acked, progress)}`,
    );
    lastAcked = acked;
    lastAt = now;
  }
  const [reports] = await Promise.all([load.stop(), probes?.stop()]);
  // The probes' pollers go on through the drain.
  const probesSeen = probes?.settle(DRAIN_SECONDS * 1000);
  const loadEnd = Date.now();
  sampleMemory(true);
  const acknowledged = load.acked() + (probes?.acked() ?? 0);
  for (const [lane, r] of Object.entries(reports))
    say(
      `${lane}: ${int(r.acked)} readings acknowledged, ${r.rejected} rejected, ${r.retries} resends${r.firstError ? `; first refusal: ${r.firstError}` : ''}`,
    );

  // Drain: every stage reaches what was acknowledged, or the bounded wait ends.
  const drainedAt = await waitForDrain(acknowledged, sample, {
    seconds: DRAIN_SECONDS,
    progressMs: PROGRESS_MS,
    pollMs: 250,
    say,
    isDrained: drained,
    describe: behind,
  });
  if (!drainedAt)
    say(`the pipeline did not drain within ${DRAIN_SECONDS} s: counting what each stage holds now`);
  const endAt = drainedAt || Date.now();
  // The peak over the drain too, and the CPU until now; a process that exited has no figures.
  for (const p of stack.processes) {
    const m = memory.get(p.name);
    if (!m || stack.exitedAt(p.name) > 0) continue;
    m.peakMb = memoryOf(p.pid).peakMb;
    m.cpuSeconds = cpuSecondsOf(p.pid) - cpuAtStart.get(p.name)!;
  }

  const probed = (await probesSeen) ?? [];
  const latencies = latencyRows(probed);

  // The counts, stage by stage.
  say('counting the telemetry topic and InfluxDB...');
  const inTopic = await readingsInTopic(endpoints, 256 * 1024 * 1024);
  // Right after the topic: in a run that did not drain, the counts still move (MQTT readings
  // the broker acknowledged may not even be in the topic yet).
  const final = await sample();
  let points = await pointsInInflux(endpoints, shape.startMs);
  // The writer's offsets are committed once InfluxDB acknowledged; a query may trail that briefly.
  for (let i = 0; i < 10 && points < inTopic.readings; i++) {
    await new Promise((r) => setTimeout(r, 1_000));
    points = await pointsInInflux(endpoints, shape.startMs);
  }
  const perEvent = inTopic.messages > 0 ? inTopic.readings / inTopic.messages : 1;
  const chartFile = writeRunChart(
    stack.run,
    timelineChart({
      title: `bench:pipeline ${stack.run} (distributed): ${TWINS} twins, ${RATE > 0 ? `${int(RATE)} readings/s asked` : 'as fast as it goes'}, ${SECONDS} s of load, then the drain`,
      startedAt,
      loadEndedAt: loadEnd,
      // The writer's lag is in events: in readings (at the run's mean readings per event) it
      // shares the other stages' axis.
      samples: timeline.samples.map((x) => ({
        ...x,
        lags: {
          [`InfluxDB writer (lag ×${perEvent.toFixed(0)}/event)`]:
            (x.lags?.[WRITER_LAG] ?? NaN) * perEvent,
        },
      })),
      probes: probed,
    }),
  );
  const topic: StageCount = { stage: 'telemetry topic', readings: inTopic.readings };
  const consumers: StageCount[] = [
    { stage: 'twin state (folded)', readings: final.folded },
    { stage: 'InfluxDB (queryable points)', readings: points },
    { stage: 'anomaly workers (judged)', readings: final.judged },
    { stage: 'maintenance (seen)', readings: final.seen },
  ];
  const verdict = accountLosses(acknowledged, topic, consumers);

  // The baseline: the same telemetry messages through a bare producer and consumer group.
  const partitions = (await admin.fetchTopicOffsets(telemetryTopic(endpoints))).length;
  await admin.disconnect();
  say(
    `raw baseline: ${int(inTopic.readings)} readings in the pipeline's own ${int(inTopic.captured.length)} messages (of ${int(inTopic.messages)}), round and round...`,
  );
  const raw = await rawPipe({
    brokers: endpoints.brokers,
    topic: `${stack.topicPrefix}raw-telemetry`,
    partitions,
    messages: inTopic.captured,
    readings: inTopic.readings,
    // One HTTP batch makes one event per twin it covers.
    messagesPerSend: Math.min(TWINS_PER_BATCH, BATCH),
    concurrency: HTTP_CONNECTIONS,
    progress: say,
  });

  // The peer, after Twinlog's run so that neither slows the other on this machine.
  let peer: PeerResult | undefined;
  let peerError: string | undefined;
  if (PEER) {
    try {
      peer = await runPeer({
        run: stack.run,
        mqtt: { url: env['MQTT_URL']! },
        influx: endpoints.influx,
        workDir: stack.dir,
        seconds: PEER_SECONDS,
        rate: RATE,
        twins: TWINS,
        connections: PEER_CONNECTIONS,
        perMessage: MQTT_READINGS,
        window: MQTT_WINDOW,
        drainSeconds: DRAIN_SECONDS,
        probeMs: PROBE_MS,
        say,
      });
    } catch (error) {
      // Not Twinlog's failure: reported, and the run's verdict stays Twinlog's.
      peerError = error instanceof Error ? error.message.split('\n')[0] : String(error);
      say(`TIG peer failed: ${peerError}`);
    }
  }
  // Last, once nothing else is measured: a process writing its snapshot answers nothing for
  // seconds, and reading one takes this process's CPU.
  const heap = heapDir ? await takeHeapSnapshots(stack, heapDir, say) : [];

  const rows: RateRow[] = [
    ...pipelineRows('twinlog', acknowledged, { startedAt, loadEnd, endAt }),
    {
      system: RAW,
      readings: raw.readings,
      seconds: raw.seconds,
      what: 'first send to last read, same messages',
    },
  ];
  const peerRow: RateRow | undefined = peer && {
    system: 'TIG peer',
    readings: peer.published,
    seconds: peer.seconds,
    what: `first publish to last point queryable, all over MQTT (Telegraf)`,
  };
  if (peerRow) rows.push(peerRow);
  console.log('');
  console.log(rateTable(rows, RAW));
  if (peer && peerRow) {
    console.log(priceOfGuarantees(rows[0]!, peerRow));
    console.log(peerCountLine(peer.published, peer.points));
  } else if (peerError) console.log(`TIG peer: not measured (${peerError})`);
  console.log('');
  console.log(stageTable(acknowledged, topic, consumers));
  console.log('');
  console.log(memoryTable([...memory.values()]));
  if (peer?.latency) latencies.push(peer.latency);
  if (latencies.length) {
    console.log('');
    console.log(
      `latency probes: one reading every ${PROBE_MS} ms for one twin of its own, every ${ALARM_EVERY}th above its alarm limit${RATE > 0 ? '' : ', while the load went as fast as it could (a queue, not a latency: give --rate for one)'}`,
    );
    console.log(latencyTable(latencies));
  }
  console.log('');
  console.log(`chart of rate, lag and latency over the run: ${chartFile}`);
  console.log('');
  if (!drainedAt)
    console.log(
      `FAIL: not drained within ${DRAIN_SECONDS} s: the counts were still moving (a broker-acknowledged MQTT reading may not be in the topic yet)`,
    );
  for (const line of describeDifferences(verdict, drainedAt > 0)) console.log(`FAIL: ${line}`);
  const peerLost = peer ? Math.max(0, peer.published - peer.points) : 0;
  if (peerLost > 0)
    console.log(
      `FAIL: TIG peer: ${int(peerLost)} readings acknowledged by the broker never became points in InfluxDB (Telegraf's log: ${peer!.logFile})`,
    );
  const rate = acknowledged / ((endAt - startedAt) / 1000);
  return {
    code: verdict.differences.length === 0 && drainedAt && peerLost === 0 ? 0 : 1,
    contract: contractLine(rate, verdict.lost),
    heap,
    window: { from: startedAt, to: endAt },
  };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
