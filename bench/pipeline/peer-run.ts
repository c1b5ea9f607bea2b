// The "TIG" peer in bench:pipeline's run (issue 24): mosquitto -> Telegraf -> InfluxDB on the
// same servers as Twinlog, fed the plant's readings over MQTT in Twinlog's message form. Its own
// topic root (Twinlog's ingestion never reads them), site, twins and measurement (nothing mixes
// with Twinlog's points; the bench's InfluxDB token is scoped to one bucket, as a deployment's,
// so a bucket of its own would need the operator's token).
import { InfluxDB } from '@influxdata/influxdb-client';
import { connectAsync } from 'mqtt';
import {
  countPeerPoints,
  startTelegraf,
  type InfluxSettings,
  type MqttSettings,
} from '@twinlog/testing';
import { startLoad } from './load';
import type { PlantShape } from './plant-load';
import type { LatencyRow } from './summary';

export const PEER_MEASUREMENT = 'tig_peer';

export interface PeerOptions {
  run: string;
  mqtt: MqttSettings;
  influx: InfluxSettings;
  workDir: string;
  seconds: number;
  /** Readings per second over MQTT, 0 for as fast as the broker acknowledges. */
  rate: number;
  twins: number;
  connections: number;
  perMessage: number;
  window: number;
  drainSeconds: number;
  /** A probe reading every this many ms (0: none). */
  probeMs: number;
  say: (line: string) => void;
}

export interface PeerResult {
  /** Readings the broker acknowledged (QoS 1 PUBACK). */
  published: number;
  /** Points of the load's twins queryable at the end. */
  points: number;
  /** First publish to the last point queryable (or the drain's end). */
  seconds: number;
  drained: boolean;
  latency?: LatencyRow;
  logFile: string;
}

const PROGRESS_MS = 5_000;
const int = (n: number) => Math.round(n).toLocaleString('en-US');

export async function runPeer(o: PeerOptions): Promise<PeerResult> {
  const root = `peer-${o.run}`;
  const site = `bench-peer-${o.run}`;
  const shape: PlantShape = {
    run: `${o.run}-peer`,
    site,
    twinIds: Array.from({ length: o.twins }, (_, i) => `${site}-cnc-${i}`),
    // As the Twinlog load: samples 1 ms apart, in the past for the whole run.
    startMs: Date.now() - 3_600_000 - o.seconds * 50_000,
    topicRoot: root,
  };
  o.say(`TIG peer: starting Telegraf on ${root}/+/+/telemetry...`);
  const telegraf = await startTelegraf({
    mqtt: o.mqtt,
    influx: o.influx,
    workDir: o.workDir,
    name: 'telegraf-peer',
    topicPattern: `${root}/{site}/{twinId}/telemetry`,
    clientId: `bench-pipeline-peer-${o.run}`,
    measurement: PEER_MEASUREMENT,
    progress: o.say,
  });
  try {
    // A query refused under the write load (seen: undici's "fetch failed") is asked again.
    let lastCount = NaN;
    const count = () =>
      countPeerPoints(o.influx, PEER_MEASUREMENT, shape.twinIds).then(
        (n) => (lastCount = n),
        (error: unknown) => {
          const cause = (error as { cause?: unknown }).cause;
          o.say(`TIG peer: counting failed (${String(error)}${cause ? `: ${String(cause)}` : ''})`);
          return lastCount;
        },
      );
    o.say(
      `TIG peer: ${o.twins} twins, ${o.rate > 0 ? `${int(o.rate)} readings/s` : 'as fast as the broker acknowledges'} for ${o.seconds} s, all over MQTT: QoS 1 messages of ${o.perMessage} readings on ${o.connections} connections (window ${o.window})`,
    );
    // No counting during the load: a count query waits behind the writes (minutes at full rate).
    const startedAt = Date.now();
    const load = startLoad([
      {
        lane: 'mqtt',
        shape,
        twins: shape.twinIds,
        url: o.mqtt.url,
        rate: o.rate,
        connections: o.connections,
        batch: o.perMessage,
        twinsPerBatch: 1,
        window: o.window,
      },
    ]);
    const probes =
      o.probeMs > 0 ? startPeerProbes(o, `${root}/${site}/${site}-probe/telemetry`) : undefined;
    let last = 0;
    let lastAt = startedAt;
    while (Date.now() - startedAt < o.seconds * 1000) {
      const wait = Math.min(PROGRESS_MS, o.seconds * 1000 - (Date.now() - startedAt));
      await Promise.race([new Promise((r) => setTimeout(r, wait)), load.failed]);
      const acked = load.acked();
      const now = Date.now();
      o.say(
        `[peer +${Math.round((now - startedAt) / 1000)}s] ${int(((acked - last) * 1000) / (now - lastAt))} readings/s acknowledged by the broker (${int(acked)} in all)`,
      );
      last = acked;
      lastAt = now;
    }
    await Promise.all([load.stop(), probes?.stop()]);
    const published = load.acked();
    let points = await count();
    const deadline = Date.now() + o.drainSeconds * 1000;
    while (!(points >= published) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      points = await count();
    }
    const endAt = Date.now();
    const latency = await probes?.settle(o.drainSeconds * 1000);
    return {
      published,
      points: Number.isNaN(points) ? 0 : points,
      seconds: (endAt - startedAt) / 1000,
      drained: points >= published,
      ...(latency ? { latency } : {}),
      logFile: telegraf.logFile,
    };
  } finally {
    await telegraf.stop();
  }
}

/**
 * The peer's latency probes, like Twinlog's: one reading every probeMs for a twin of its own,
 * timed from its PUBACK (the broker's acceptance) to its point being the newest queryable one.
 * The resolution is the 100 ms poll.
 */
function startPeerProbes(o: PeerOptions, topic: string) {
  const twinId = topic.split('/')[2]!;
  const probes: Array<{ time: string; acceptedAt: number; seenAt?: number }> = [];
  let stopped = false;
  let ended = false;
  const client = connectAsync(o.mqtt.url, { protocolVersion: 5, clean: true, reconnectPeriod: 0 });
  const sender = (async () => {
    const c = await client;
    while (!stopped) {
      const time = new Date().toISOString();
      const readings = [{ property: 'temperature', value: 45, time }];
      await c.publishAsync(topic, JSON.stringify({ readings }), { qos: 1 });
      probes.push({ time, acceptedAt: Date.now() });
      await new Promise((r) => setTimeout(r, o.probeMs));
    }
    await c.endAsync();
  })();
  const query = new InfluxDB({ url: o.influx.url, token: o.influx.token }).getQueryApi(
    o.influx.org,
  );
  const poller = (async () => {
    while (!ended && (!stopped || probes.some((p) => p.seenAt === undefined))) {
      const rows = await query
        .collectRows<{ _time: string }>(
          `from(bucket: ${JSON.stringify(o.influx.bucket)})
  |> range(start: -1h)
  |> filter(fn: (r) => r._measurement == ${JSON.stringify(PEER_MEASUREMENT)} and r.twin_id == ${JSON.stringify(twinId)} and r._field == "value")
  |> last()`,
        )
        .catch(() => []);
      const newest = rows[0]?._time;
      const now = Date.now();
      if (newest)
        for (const p of probes)
          if (p.seenAt === undefined && Date.parse(p.time) <= Date.parse(newest)) p.seenAt = now;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await sender;
    },
    settle: async (waitMs: number): Promise<LatencyRow> => {
      await Promise.race([poller, new Promise((r) => setTimeout(r, waitMs))]);
      ended = true;
      await poller;
      return {
        what: 'InfluxDB point queryable, TIG peer (from PUBACK)',
        samples: probes.filter((p) => p.seenAt !== undefined).map((p) => p.seenAt! - p.acceptedAt),
        unseen: probes.filter((p) => p.seenAt === undefined).length,
      };
    },
  };
}
