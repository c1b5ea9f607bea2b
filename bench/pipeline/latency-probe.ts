import { randomUUID } from 'node:crypto';
import { InfluxDB } from '@influxdata/influxdb-client';
import { Kafka, logLevel } from 'kafkajs';
import type { StageEndpoints } from './stages';

/** One probe reading: when ingestion accepted it, and when each place showed it. */
export interface Probe {
  readingId: string;
  time: string;
  /** When its 200 answer arrived; NaN while it is in flight. */
  acceptedAt: number;
  stateAt?: number;
  influxAt?: number;
  /** Alarm-level probes only: when AnomalyDetected for it arrived (read from the log). */
  alarm?: boolean;
  anomalyAt?: number;
}

/** Every this many probes, one at an alarm-level temperature; the normal ones between close the episode (5 needed). */
export const ALARM_EVERY = 8;
const NORMAL = 45;
// Above the CNC model's temperature alarm (85 °C), inside its physical range: the limits
// detector opens an episode on this one reading.
const ALARM = 90;

export interface ProbeOptions {
  ingestion: string;
  /** Where the twin's state is read (GET /v1/twins/:id), and the key for every call. */
  twinState: string;
  apiKey?: string;
  /** How the telemetry store and AnomalyDetected are watched (InfluxDB and Kafka, or the API). */
  watch: ProbeWatch;
  /** A twin of the plant's that only the probes report for, so its latest reading is a probe's. */
  twinId: string;
  everyMs: number;
  run: string;
  /**
   * How often the state and the store are polled (the resolution of their latencies), 25 and
   * 100 ms by default: in the embedded mode every poll runs on the measured process's one
   * event loop, and polls as tight as these slowed its intake by an order of magnitude.
   */
  pollStateMs?: number;
  pollStoreMs?: number;
}

/** The places a probe is looked for besides the twin's state, which depend on the mode. */
export interface ProbeWatch {
  /**
   * Which probes the telemetry store shows now, given them in the order sent (a test per
   * probe), or undefined when it did not answer.
   */
  store(probes: readonly Probe[]): Promise<((p: Probe) => boolean) | undefined>;
  /** Watches for AnomalyDetected of the probe twin; `found` gets the reading that opened it. */
  anomalies(found: (readingId: string) => void): { stop(): Promise<void> };
}

/** Distributed: InfluxDB's newest point of the probe twin, and AnomalyDetected read from Kafka. */
export function distributedWatch(e: StageEndpoints, twinId: string): ProbeWatch {
  const query = new InfluxDB({ url: e.influx.url, token: e.influx.token }).getQueryApi(
    e.influx.org,
  );
  return {
    store: async () => {
      const rows = await query
        .collectRows<{ _time: string }>(
          `from(bucket: ${JSON.stringify(e.influx.bucket)})
  |> range(start: -1h)
  |> filter(fn: (r) => r._measurement == ${JSON.stringify(e.twinType)} and r.twin_id == ${JSON.stringify(twinId)} and r._field == "value")
  |> last()`,
        )
        .catch(() => []);
      const newest = rows[0]?._time;
      return newest ? (p) => Date.parse(p.time) <= Date.parse(newest) : undefined;
    },
    anomalies: (found) => {
      // AnomalyDetected names the reading that opened its episode (`…:{readingId}`).
      const consumer = new Kafka({ brokers: e.brokers, logLevel: logLevel.NOTHING }).consumer({
        groupId: `bench-pipeline-anomalies-${randomUUID()}`,
        maxWaitTimeInMs: 50,
      });
      const running = (async () => {
        await consumer.connect();
        await consumer.subscribe({ topic: `${e.topicPrefix}twin-events`, fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message }) => {
            if (message.key?.toString() !== twinId) return;
            if (message.headers?.['event-type']?.toString() !== 'AnomalyDetected') return;
            const event = JSON.parse(message.value!.toString()) as { data: { episodeId: string } };
            found(event.data.episodeId.split(':').pop()!);
          },
        });
      })();
      return {
        stop: async () => {
          await running.catch(() => undefined);
          await consumer.disconnect();
        },
      };
    },
  };
}

const POLL_STATE_MS = 25;
const POLL_INFLUX_MS = 100;

/**
 * Latency probes beside the load: one reading every `everyMs` for the probe twin, sent one after
 * another (so they are folded and written in order). One poller watches the twin's state, one
 * the telemetry store: when the state's latest reading is probe k, probes up to k are visible, and likewise
 * for the newest queryable point. The resolution is the polling interval (25 ms and 100 ms).
 */
export function startProbes(o: ProbeOptions) {
  const probes: Probe[] = [];
  let stopped = false;
  // Set once the last probe's answer is in: until then a probe may still join the pending ones.
  let sent = false;
  // Ends the pollers too, seen or not (the services are about to stop).
  let ended = false;
  const auth: Record<string, string> = o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {};
  const sender = (async () => {
    for (let i = 0; !stopped; i++) {
      const time = new Date().toISOString();
      const readingId = `${o.run}-probe-${i}`;
      const alarm = i % ALARM_EVERY === ALARM_EVERY - 1;
      // Known before it is sent: under load the pipeline can show it before its answer arrives.
      const probe: Probe = { readingId, time, acceptedAt: NaN, ...(alarm ? { alarm } : {}) };
      probes.push(probe);
      const report = await fetch(`${o.ingestion}/v1/readings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify([
          {
            twinId: o.twinId,
            property: 'temperature',
            value: alarm ? ALARM : NORMAL,
            time,
            readingId,
          },
        ]),
      })
        .then(async (a) => (a.status === 200 ? ((await a.json()) as { accepted?: number }) : {}))
        .catch(() => ({}) as { accepted?: number });
      // A probe not acknowledged is not counted anywhere (nor in the loss accounting).
      if (report.accepted === 1) probe.acceptedAt = Date.now();
      else probes.splice(probes.indexOf(probe), 1);
      await new Promise((r) => setTimeout(r, o.everyMs));
    }
    sent = true;
  })();
  const pending = (field: 'stateAt' | 'influxAt') => probes.some((p) => p[field] === undefined);
  const seenUpTo = (field: 'stateAt' | 'influxAt', newest: (p: Probe) => boolean) => {
    const now = Date.now();
    for (const p of probes) if (p[field] === undefined && newest(p)) p[field] = now;
  };
  const statePoller = (async () => {
    while (!ended && (!sent || pending('stateAt'))) {
      const state = await fetch(`${o.twinState}/v1/twins/${o.twinId}`, { headers: auth })
        .then((a) => (a.ok ? a.json() : {}))
        .catch(() => ({}));
      const newest = (state as { reported?: Record<string, { occurredAt: string }> }).reported?.[
        'temperature'
      ]?.occurredAt;
      if (newest) seenUpTo('stateAt', (p) => p.time <= newest);
      await new Promise((r) => setTimeout(r, o.pollStateMs ?? POLL_STATE_MS));
    }
  })();
  const storePoller = (async () => {
    while (!ended && (!sent || pending('influxAt'))) {
      const shown = await o.watch.store(probes).catch(() => undefined);
      if (shown) seenUpTo('influxAt', shown);
      await new Promise((r) => setTimeout(r, o.pollStoreMs ?? POLL_INFLUX_MS));
    }
  })();
  const anomalies = o.watch.anomalies((readingId) => {
    const probe = probes.find((p) => p.readingId === readingId);
    if (probe && probe.anomalyAt === undefined) probe.anomalyAt = Date.now();
  });
  const alarmsPending = () => probes.some((p) => p.alarm && p.anomalyAt === undefined);
  return {
    /** Probe readings acknowledged so far (they count in the loss accounting too). */
    acked: () => probes.length,
    /** Stops sending, once the probe in flight is answered. */
    stop: async (): Promise<void> => {
      stopped = true;
      await sender;
    },
    /** Resolves once every probe was seen, or after `waitMs`; the pollers then end. */
    settle: async (waitMs: number): Promise<Probe[]> => {
      const timeout = new Promise((r) => setTimeout(r, waitMs));
      const alarmsSeen = (async () => {
        while (!ended && alarmsPending()) await new Promise((r) => setTimeout(r, 50));
      })();
      await Promise.race([Promise.all([statePoller, storePoller, alarmsSeen]), timeout]);
      ended = true;
      await Promise.all([statePoller, storePoller, alarmsSeen, anomalies.stop()]);
      // Probes never seen stay without a time.
      return probes;
    },
  };
}
