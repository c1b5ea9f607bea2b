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
  endpoints: StageEndpoints;
  /** A twin of the plant's that only the probes report for, so its latest reading is a probe's. */
  twinId: string;
  everyMs: number;
  run: string;
}

const POLL_STATE_MS = 25;
const POLL_INFLUX_MS = 100;

/**
 * Latency probes beside the load: one reading every `everyMs` for the probe twin, sent one after
 * another (so they are folded and written in order). One poller watches the twin's state, one
 * InfluxDB: when the state's latest reading is probe k, probes up to k are visible, and likewise
 * for the newest queryable point. The resolution is the polling interval (25 ms and 100 ms).
 */
export function startProbes(o: ProbeOptions) {
  const probes: Probe[] = [];
  let stopped = false;
  // Set once the last probe's answer is in: until then a probe may still join the pending ones.
  let sent = false;
  // Ends the pollers too, seen or not (the services are about to stop).
  let ended = false;
  const auth: Record<string, string> = o.endpoints.apiKey
    ? { authorization: `Bearer ${o.endpoints.apiKey}` }
    : {};
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
      const state = await fetch(`${o.endpoints.twinState}/v1/twins/${o.twinId}`, { headers: auth })
        .then((a) => (a.ok ? a.json() : {}))
        .catch(() => ({}));
      const newest = (state as { reported?: Record<string, { occurredAt: string }> }).reported?.[
        'temperature'
      ]?.occurredAt;
      if (newest) seenUpTo('stateAt', (p) => p.time <= newest);
      await new Promise((r) => setTimeout(r, POLL_STATE_MS));
    }
  })();
  const e = o.endpoints;
  const query = new InfluxDB({ url: e.influx.url, token: e.influx.token }).getQueryApi(
    e.influx.org,
  );
  const influxPoller = (async () => {
    while (!ended && (!sent || pending('influxAt'))) {
      const rows = await query
        .collectRows<{ _time: string }>(
          `from(bucket: ${JSON.stringify(e.influx.bucket)})
  |> range(start: -1h)
  |> filter(fn: (r) => r._measurement == ${JSON.stringify(e.twinType)} and r.twin_id == ${JSON.stringify(o.twinId)} and r._field == "value")
  |> last()`,
        )
        .catch(() => []);
      const newest = rows[0]?._time;
      if (newest) seenUpTo('influxAt', (p) => Date.parse(p.time) <= Date.parse(newest));
      await new Promise((r) => setTimeout(r, POLL_INFLUX_MS));
    }
  })();
  // AnomalyDetected names the reading that opened its episode (`…:{readingId}`).
  const e2 = o.endpoints;
  const consumer = new Kafka({ brokers: e2.brokers, logLevel: logLevel.NOTHING }).consumer({
    groupId: `bench-pipeline-anomalies-${randomUUID()}`,
    maxWaitTimeInMs: 50,
  });
  const anomalies = (async () => {
    await consumer.connect();
    await consumer.subscribe({ topic: `${e2.topicPrefix}twin-events`, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.key?.toString() !== o.twinId) return;
        if (message.headers?.['event-type']?.toString() !== 'AnomalyDetected') return;
        const event = JSON.parse(message.value!.toString()) as { data: { episodeId: string } };
        const readingId = event.data.episodeId.split(':').pop();
        const probe = probes.find((p) => p.readingId === readingId);
        if (probe && probe.anomalyAt === undefined) probe.anomalyAt = Date.now();
      },
    });
  })();
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
      await Promise.race([Promise.all([statePoller, influxPoller, alarmsSeen]), timeout]);
      ended = true;
      await Promise.all([statePoller, influxPoller, alarmsSeen, anomalies.catch(() => undefined)]);
      await consumer.disconnect();
      // Probes never seen stay without a time.
      return probes;
    },
  };
}
