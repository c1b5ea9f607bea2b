// The "TIG" peer of bench:pipeline (issue 24), checked end to end: readings published to
// mosquitto at QoS 1 in Twinlog's readings-message form are found in InfluxDB through Telegraf,
// every one of them. Both payload forms Twinlog's MQTT input reads on its telemetry topic are
// checked, each by its own Telegraf (one JSON query per instance).
//
//   npm run bench:telegraf-check -- [--readings 300] [--per-message 10]
//
// Not a jest spec on purpose: its first run builds Telegraf (minutes), which CI's budget has no
// room for, and every *.spec.ts of the repository runs in `npm test`. Uses INFLUX_* and MQTT_URL
// when set, otherwise starts the local servers the tests use. Last line: `telegraf peer: ok ...`
// or `telegraf peer: FAILED ...` (exit 1).
import { randomUUID } from 'node:crypto';
import {
  Qos1Publisher,
  countPeerPoints,
  measurementOf,
  peerPoints,
  provisionInfra,
  startTelegraf,
  type InfluxSettings,
  type MqttMessage,
  type PeerPoint,
  type RunningTelegraf,
  type TelegrafPeerConfig,
} from '@twinlog/testing';
import { arg } from '../event-log/bench-util';

const READINGS = arg('readings', 300);
const PER_MESSAGE = arg('per-message', 10);
const TWINS = 5;

interface FormResult {
  form: TelegrafPeerConfig['payload'];
  published: number;
  /** Published readings found as points with the same twin, site, property, time and value. */
  found: number;
  /** Points of the run's twins that match no published reading. */
  unexpected: number;
  seconds: number;
  /** From spawning Telegraf to its warm-up reading being queryable. */
  startSeconds?: number;
}

async function main(): Promise<void> {
  const infra = await provisionInfra({ only: ['influx', 'mqtt'] });
  const results: FormResult[] = [];
  try {
    const influx = infra.settings.influx!;
    const mqttUrl = infra.settings.mqtt!.url;
    for (const [form, prefix] of [
      ['readings', 'plant'],
      ['list', 'peer-list'],
    ] as const) {
      const starting = Date.now();
      const telegraf = await startTelegraf({
        mqtt: infra.settings.mqtt!,
        influx,
        workDir: infra.workDir,
        payload: form,
        topicPattern: `${prefix}/{site}/{twinId}/telemetry`,
        clientId: `telegraf-check-${form}-${randomUUID()}`,
        name: `telegraf-${form}`,
      });
      try {
        const startSeconds = (Date.now() - starting) / 1000;
        results.push({ ...(await checkForm(telegraf, influx, mqttUrl, prefix)), startSeconds });
      } finally {
        await telegraf.stop();
      }
    }
  } finally {
    await infra.stop();
  }
  for (const r of results) {
    console.log(
      `  ${r.form.padEnd(8)} ${r.found}/${r.published} readings queryable as published, ${r.unexpected} other points, ${r.seconds.toFixed(2)} s from the first publish (Telegraf ready in ${r.startSeconds?.toFixed(2)} s)`,
    );
  }
  const missing = results.filter((r) => r.found !== r.published || r.unexpected > 0);
  console.log(
    missing.length === 0
      ? `telegraf peer: ok, ${READINGS} readings per form through mosquitto -> Telegraf -> InfluxDB (logs: ${infra.workDir})`
      : `telegraf peer: FAILED, ${missing.map((r) => `${r.form}: ${r.published - r.found} missing, ${r.unexpected} unexpected`).join('; ')} (logs: ${infra.workDir})`,
  );
  if (missing.length > 0) process.exitCode = 1;
}

async function checkForm(
  telegraf: RunningTelegraf,
  influx: InfluxSettings,
  mqttUrl: string,
  prefix: string,
): Promise<FormResult> {
  const run = randomUUID().slice(0, 8);
  const twinIds = Array.from({ length: TWINS }, (_, i) => `peer-check-${run}-${i}`);
  const { messages, expected } = readingMessages(telegraf.config.payload, prefix, twinIds);
  const started = Date.now();
  const publisher = await Qos1Publisher.connect<MqttMessage>(mqttUrl, { connections: 2 });
  try {
    await publisher.publishAll(messages);
  } finally {
    await publisher.close();
  }
  if (publisher.refused > 0) throw new Error(`the broker refused ${publisher.refused} messages`);
  const measurement = measurementOf(telegraf.config);
  for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
    if ((await countPeerPoints(influx, measurement, twinIds)) >= READINGS) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (Date.now() - started) / 1000;
  const points = (await peerPoints(influx, measurement, twinIds)).map(pointKey);
  const found = points.filter((key) => expected.has(key)).length;
  return {
    form: telegraf.config.payload,
    published: expected.size,
    found,
    unexpected: points.length - found,
    seconds,
  };
}

function pointKey(p: PeerPoint): string {
  return [p.twinId, p.site, p.property, p.time, p.value].join('|');
}

/**
 * READINGS readings in messages of PER_MESSAGE over the twins, as Twinlog's MQTT input takes
 * them. Each has its own time per twin and property: InfluxDB keeps one point per series and
 * time, so equal times would count as one.
 */
function readingMessages(
  form: TelegrafPeerConfig['payload'],
  prefix: string,
  twinIds: string[],
): { messages: MqttMessage[]; expected: Set<string> } {
  const properties = ['temperature', 'vibration', 'spindle_speed', 'power_consumption'];
  const startMs = Date.now() - 60_000;
  const messages: MqttMessage[] = [];
  const expected = new Set<string>();
  for (let first = 0, n = 0; first < READINGS; first += PER_MESSAGE, n++) {
    const twinId = twinIds[n % twinIds.length]!;
    const readings = [];
    for (let k = first; k < Math.min(READINGS, first + PER_MESSAGE); k++) {
      readings.push({
        property: properties[k % properties.length]!,
        value: 20 + (k % 50) / 10,
        time: new Date(startMs + k).toISOString(),
        readingId: `peer-check-${k}`,
      });
      const { property, time, value } = readings[readings.length - 1]!;
      expected.add(pointKey({ twinId, site: 'site-check', property, time, value }));
    }
    const payload =
      form === 'readings' ? { readings } : readings.length === 1 ? readings[0] : readings;
    messages.push({
      topic: `${prefix}/site-check/${twinId}/telemetry`,
      payload: JSON.stringify(payload),
    });
  }
  return { messages, expected };
}

main().catch((error: unknown) => {
  console.error(error);
  console.log(
    `telegraf peer: FAILED, ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
  );
  process.exitCode = 1;
});
