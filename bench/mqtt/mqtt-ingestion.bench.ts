// MQTT ingestion benchmark (issue 16): readings per second that one ingestion instance (its own
// process, telemetry writer off) takes from mosquitto into the Kafka log at QoS 1, next to a bare
// MQTT subscriber of the same broker in the same run, and the Telegraf pipeline where installed.
// Every published reading id is checked to land in the log exactly once.
//
//   npm run bench:mqtt -- [--readings-per-message 10|1] [--messages N] [--twins 100]
//                         [--instances 1] [--rate msgs/s] [--connections 4] [--publisher-threads 2]
//                         [--window 500] [--idle 15] [--backlog] [--cpu-prof] [--property-form]
//
// Without --readings-per-message both shapes run: 10 readings per message (goal 100,000
// readings/s) and 1 (goal 20,000 messages/s). --property-form publishes the one-reading shape in
// the compact per-property form (plant/{site}/{twinId}/{property}, `{"v","t","id"}`). Uses KAFKA_BROKERS and MQTT_URL when set,
// otherwise starts the local servers the tests use.
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { openInfrastructure } from '@twinlog/service-kit';
import { provisionInfra, registerTwins, repoRoot, type ProvisionedInfra } from '@twinlog/testing';
import { readIngestionConfig } from '../../apps/ingestion/src/config/ingestion.config';
import { arg, progressLine, rate } from '../event-log/bench-util';
import { ArrivalCount } from './arrival-count';
import { startBareSubscriber } from './bare-subscriber';
import { forgetSession, startIngestionChild, type IngestionChild } from './ingestion-child';
import type { LoadShape } from './load-shape';
import { startLoad, type LoadSettings, type RunningLoad } from './publish-load';
import { inputStatus, printProfiles, printSummary, telegrafRow, type Row } from './report';
import { countTelemetryArrivals } from './telemetry-arrivals';

const given = (name: string) => process.argv.includes(`--${name}`);
const SHAPES = given('readings-per-message') ? [arg('readings-per-message', 10)] : [10, 1];
const DEFAULT_MESSAGES: Record<number, number> = { 10: 50_000, 1: 200_000 };
const TWINS = arg('twins', 100);
const INSTANCES = arg('instances', 1);
const RATE = given('rate') ? arg('rate', 1) : 0;
const IDLE_MS = arg('idle', 15) * 1000;
// Publish the whole run while the subscriber is away, then time it draining the backlog: its
// capacity apart from the publishers' (which share the machine's two cores with it otherwise).
const BACKLOG = given('backlog');

const children = new Set<IngestionChild>();
let infra: ProvisionedInfra | undefined;

async function main(): Promise<void> {
  infra = await provisionInfra({ only: ['kafka', 'mqtt'] });
  const brokers = infra.settings.kafka!.brokers;
  const mqttUrl = infra.settings.mqtt!.url;
  const twinIds = Array.from({ length: TWINS }, (_, i) => `cnc-${i}`);
  const load = (messages: number): Omit<LoadSettings, 'messages'> & { messages: number } => ({
    url: mqttUrl,
    messages,
    threads: arg('publisher-threads', 2),
    connections: arg('connections', 4),
    rate: RATE,
    window: arg('window', 500),
  });
  console.log(
    `Kafka ${brokers.join(',')}, MQTT ${mqttUrl}; ${TWINS} CNC twins, ${INSTANCES} ingestion instance(s), ` +
      `${RATE ? `offered ${rate(RATE)} messages/s` : 'publishers as fast as the broker acknowledges'}`,
  );
  const rows: Row[] = [];
  for (const shape of SHAPES) {
    const messages = given('messages') ? arg('messages', 1) : (DEFAULT_MESSAGES[shape] ?? 50_000);
    const loadShape = (run: string): LoadShape => ({
      run,
      twinIds,
      site: 'site-a',
      readingsPerMessage: shape,
      propertyForm: shape === 1 && given('property-form'),
      startMs: Date.now() - 3_600_000,
    });
    rows.push(await bareRun(loadShape(`bare${shape}`), load(messages)));
    rows.push(await ingestionRun(loadShape(`ing${shape}`), load(messages), brokers, twinIds));
    rows.push(telegrafRow(shape, messages));
  }
  printSummary(rows, { instances: INSTANCES, offeredRate: RATE });
}

async function bareRun(shape: LoadShape, settings: LoadSettings): Promise<Row> {
  const label = `bare MQTT subscriber, ${shape.readingsPerMessage} reading(s)/message`;
  const filter = shape.propertyForm ? 'plant/+/+/+' : 'plant/+/+/telemetry';
  const id = BACKLOG ? `bench-bare-${shape.run}-${randomUUID().slice(0, 8)}` : undefined;
  let subscriber = await startBareSubscriber(settings.url, filter, id);
  let load: RunningLoad;
  let from: number;
  if (id) {
    await subscriber.stop();
    load = await startLoad(shape, settings);
    await load.done;
    from = Date.now();
    subscriber = await startBareSubscriber(settings.url, filter, id);
  } else {
    load = await startLoad(shape, settings);
    from = load.startedAt;
  }
  const current = subscriber;
  await awaitArrivals(label, load, from, settings.messages, () => current.received());
  await Promise.all([load.stop(), subscriber.stop()]);
  if (id) await forgetSession(settings.url, id);
  const arrived = subscriber.received();
  const seconds = (subscriber.lastAt() - from) / 1000;
  const row = {
    shape: shape.readingsPerMessage,
    what: `bare MQTT.js subscriber (QoS 1)${BACKLOG ? ', backlog drain' : ''}`,
    messages: settings.messages,
    arrived,
    seconds,
    readingsPerS: (arrived * shape.readingsPerMessage) / seconds,
    note:
      arrived < settings.messages
        ? `${rate(settings.messages - arrived)} messages lost`
        : 'all arrived',
  };
  console.log(
    `${label}: ${rate(row.readingsPerS / shape.readingsPerMessage)} messages/s, ${row.note}`,
  );
  return row;
}

async function ingestionRun(
  shape: LoadShape,
  settings: LoadSettings,
  brokers: string[],
  twinIds: string[],
): Promise<Row> {
  const label = `ingestion x${INSTANCES}, ${shape.readingsPerMessage} reading(s)/message`;
  const prefix = `bench-mqtt-${randomUUID().slice(0, 8)}.`;
  await register(prefix, brokers, twinIds);
  const profileDir = given('cpu-prof')
    ? join(repoRoot(), 'tmp', 'bench-mqtt-profiles', prefix.slice(0, -1))
    : undefined;
  const startAll = () =>
    Promise.all(
      Array.from({ length: INSTANCES }, (_, i) =>
        startIngestionChild({
          name: `ingestion-${i + 1}`,
          kafkaBrokers: brokers,
          mqttUrl: settings.url,
          topicPrefix: prefix,
          clientId: `bench-ingestion-${prefix}${i + 1}`,
          ...(profileDir ? { profileDir: join(profileDir, `ingestion-${i + 1}`) } : {}),
          log: (line) => process.stderr.write(`\r${line.padEnd(72)}\n`),
        }),
      ),
    ).then((list) => {
      list.forEach((c) => children.add(c));
      return list;
    });
  let started = await startAll();
  const count = new ArrivalCount(shape.run, settings.messages * shape.readingsPerMessage);
  const arrivals = await countTelemetryArrivals(brokers, `${prefix}telemetry`, count);
  let load: RunningLoad;
  let from: number;
  if (BACKLOG) {
    // Subscribed on a persistent session; away while the broker queues the whole run for it.
    for (const child of started) {
      await child.stop({ keepSession: true });
      children.delete(child);
    }
    load = await startLoad(shape, settings);
    await load.done;
    started = await startAll();
    // From ready: the input may read messages while starting, but records none before.
    from = Date.now();
  } else {
    load = await startLoad(shape, settings);
    from = load.startedAt;
  }
  await awaitArrivals(label, load, from, count.total, () => count.unique + count.duplicates);
  await load.stop();
  for (const child of started) {
    console.log(await inputStatus(child));
    await child.stop();
    children.delete(child);
  }
  // Anything still landing (a redelivery on shutdown) counts against exactly-once.
  await new Promise((r) => setTimeout(r, 1_000));
  await arrivals.stop();
  // Draining, the service may record before the readiness poll sees it ready.
  if (BACKLOG && arrivals.firstLandedAt()) from = Math.min(from, arrivals.firstLandedAt());
  for (const child of profileDir ? started : []) {
    printProfiles(join(profileDir!, child.name), child.pid, {
      from,
      to: arrivals.lastLandedAt(),
      exitedAt: child.exitedAt(),
    });
  }
  const seconds = (arrivals.lastLandedAt() - from) / 1000;
  const shares = count
    .shares()
    .map(
      (s, i) =>
        `instance ${i + 1}: ${((100 * s.count) / Math.max(1, count.unique + count.duplicates)).toFixed(1)}%`,
    )
    .join(', ');
  const verdict = count.exactlyOnce
    ? 'every reading exactly once'
    : `${rate(count.missing)} lost, ${rate(count.duplicates)} doubled, ${rate(count.foreign)} foreign` +
      (count.missing ? ` (first missing: ${count.firstMissing().join(', ')})` : '');
  const row = {
    shape: shape.readingsPerMessage,
    what: `Twinlog ingestion x${INSTANCES} (into Kafka)${BACKLOG ? ', backlog drain' : ''}`,
    messages: settings.messages,
    arrived: count.unique / shape.readingsPerMessage,
    seconds,
    readingsPerS: count.unique / seconds,
    note: INSTANCES > 1 ? `${verdict}; ${shares}` : verdict,
  };
  console.log(`${label}: ${rate(row.readingsPerS)} readings/s, ${row.note}`);
  return row;
}

/** Registers the twins in a fresh log (topics under their own prefix) before the service starts. */
async function register(prefix: string, brokers: string[], twinIds: string[]): Promise<void> {
  const config = readIngestionConfig({
    TWINLOG_MODE: 'distributed',
    // Measured without authentication (loopback only): the bench measures the pipeline.
    TWINLOG_AUTH: 'off',
    KAFKA_BROKERS: brokers.join(','),
    TWINLOG_TOPIC_PREFIX: prefix,
    // The topics are created here first: with the partitions the environment asks of the services.
    ...(process.env['TWINLOG_PARTITIONS']
      ? { TWINLOG_PARTITIONS: process.env['TWINLOG_PARTITIONS'] }
      : {}),
    INFLUX_URL: 'http://127.0.0.1:1',
    INFLUX_TOKEN: 'unused',
    INFLUX_ORG: 'unused',
  });
  const services = await openInfrastructure(config.service, {
    service: 'bench-mqtt',
    store: true,
    dedupeOnAppend: false,
  });
  await registerTwins(
    services.log,
    services.catalog,
    twinIds.map((twinId) => ({ twinId, twinType: 'cnc-milling-machine', site: 'site-a' })),
  );
  await services.close();
}

/** Waits until everything arrived, or nothing more did for --idle seconds after publishing. */
async function awaitArrivals(
  label: string,
  load: RunningLoad,
  from: number,
  total: number,
  arrived: () => number,
): Promise<void> {
  let failed: unknown;
  load.done.catch((error: unknown) => (failed = error));
  const progress = progressLine(label, from);
  let last = -1;
  let changedAt = Date.now();
  for (;;) {
    if (failed) throw failed;
    const n = arrived();
    progress({ events: n, total });
    if (n >= total) break;
    if (n !== last) [last, changedAt] = [n, Date.now()];
    if (load.finishedAt() && Date.now() - changedAt > IDLE_MS) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const published = ((load.finishedAt() || Date.now()) - load.startedAt) / 1000;
  const load1 = loadavg()[0]!.toFixed(1);
  process.stderr.write(
    `\n  (load average ${load1} on this machine; publishers: ${rate(load.acked())} messages acknowledged by the broker in ${published.toFixed(2)} s, ${rate(load.acked() / published)}/s)\n`,
  );
}

async function shutdown(): Promise<void> {
  await Promise.allSettled([...children].map((c) => c.stop()));
  await infra?.stop();
}

process.once('SIGINT', () => void shutdown().finally(() => process.exit(130)));
main()
  .then(shutdown)
  .catch(async (error: unknown) => {
    console.error(error);
    await shutdown();
    process.exit(1);
  });
