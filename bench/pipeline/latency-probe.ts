import { InfluxDB } from '@influxdata/influxdb-client';
import type { StageEndpoints } from './stages';

/** One probe reading: when ingestion accepted it, and when each place showed it. */
export interface Probe {
  readingId: string;
  time: string;
  acceptedAt: number;
  stateAt?: number;
  influxAt?: number;
}

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
      // A probe not acknowledged is not counted anywhere (nor in the loss accounting).
      const report = await fetch(`${o.ingestion}/v1/readings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify([
          { twinId: o.twinId, property: 'temperature', value: 40 + (i % 10), time, readingId },
        ]),
      })
        .then(async (a) => (a.status === 200 ? ((await a.json()) as { accepted?: number }) : {}))
        .catch(() => ({}) as { accepted?: number });
      if (report.accepted === 1) probes.push({ readingId, time, acceptedAt: Date.now() });
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
      await Promise.race([Promise.all([statePoller, influxPoller]), timeout]);
      ended = true;
      await Promise.all([statePoller, influxPoller]);
      // Probes never seen stay without a time.
      return probes;
    },
  };
}
