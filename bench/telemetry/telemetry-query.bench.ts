// Telemetry queries (issue 19): a day of one-second data for one property (86,400 points),
// downsampled to 960 windows (every=90s) through GET /v1/twins/{id}/telemetry, in both modes:
// embedded (node:sqlite) and distributed (Kafka log, InfluxDB telemetry). Baselines in the same
// run, on the same data: the store's plain query of the same range (every raw point), and, for
// InfluxDB, a bare client's single-aggregate Flux (`aggregateWindow(fn: mean)`) of the range.
//
//   npm run bench:telemetry-query                      # 200 requests per mode after 20 warm-ups
//   npm run bench:telemetry-query -- --requests 500 --every 60
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { InfluxDB } from '@influxdata/influxdb-client';
import { openInfrastructure, type Env, type Infrastructure } from '@twinlog/service-kit';
import type { TelemetryStore } from '@twinlog/telemetry-store';
import { provisionInfra, settingsToEnv, type InfraSettings } from '@twinlog/testing';
import { readTwinStateConfig } from '../../apps/twin-state/src/config/twin-state.config';
import { startTwinState } from '../../apps/twin-state/src/twin-state.app';
import { arg } from '../event-log/bench-util';

const REQUESTS = arg('requests', 200);
const WARM_UP = 20;
const EVERY_S = arg('every', 90);
const POINTS = 86_400;
const DAY_START = Date.parse('2026-11-20T00:00:00.000Z');
const FROM = new Date(DAY_START).toISOString();
const TO = new Date(DAY_START + POINTS * 1000).toISOString();
const TWIN = 'bench-mill-1';

interface Figures {
  p50: number;
  p95: number;
  p99: number;
}

async function main(): Promise<void> {
  const infra = await provisionInfra({ only: ['kafka', 'influx'] });
  const results: string[] = [];
  try {
    for (const mode of ['embedded', 'distributed'] as const) {
      const env: Env = {
        TWINLOG_MODE: mode,
        // Loopback only, without authentication: the bench measures the read, not the key check.
        TWINLOG_AUTH: 'off',
        TWINLOG_DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-telemetry-')),
        TWINLOG_TOPIC_PREFIX: `bench-tq-${Date.now()}.`,
        KAFKA_CLIENT_LOG_LEVEL: 'error',
        TWIN_STATE_HTTP_HOST: '127.0.0.1',
        TWIN_STATE_HTTP_PORT: '0',
        ...(mode === 'distributed' ? settingsToEnv(infra.settings) : {}),
      };
      const config = readTwinStateConfig(env);
      const ports = await openInfrastructure(config.service, {
        service: 'bench-telemetry',
        store: true,
      });
      const service = await startTwinState(config, ports, false);
      try {
        await prepare(service.url, ports);
        const loadAtStart = loadavg()[0]!;
        const route = `${service.url}/v1/twins/${TWIN}/telemetry?property=power_consumption&from=${FROM}&to=${TO}&every=${EVERY_S}s`;
        const check = (await (await fetch(route)).json()) as {
          series: Array<{ windows: Array<{ count: number }> }>;
        };
        const windows = check.series[0]!.windows;
        const counted = windows.reduce((n, w) => n + w.count, 0);
        if (counted !== POINTS)
          throw new Error(`the route counted ${counted} points, not ${POINTS}`);
        const http = await measure(async () => {
          const res = await fetch(route);
          if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
          await res.arrayBuffer();
        });
        const store = await measure(() =>
          ports.store.downsample({
            twinIds: [TWIN],
            properties: ['power_consumption'],
            from: FROM,
            to: TO,
            everyMs: EVERY_S * 1000,
          }),
        );
        const raw = await measure(
          () =>
            ports.store.query({
              twinId: TWIN,
              properties: ['power_consumption'],
              from: FROM,
              to: TO,
            }),
          Math.min(REQUESTS, 30),
        );
        const bare = mode === 'distributed' ? await bareFlux(infra.settings) : undefined;
        const line = (label: string, f: Figures) =>
          `  ${label.padEnd(58)} p50 ${ms(f.p50)}  p95 ${ms(f.p95)}  p99 ${ms(f.p99)}`;
        console.log(
          `\n${mode}: ${POINTS.toLocaleString('en-US')} points, ${windows.length} windows of ${EVERY_S}s (load average ${loadAtStart.toFixed(1)} at the start)`,
        );
        console.log(line('GET /v1/twins/{id}/telemetry (HTTP, twin-state)', http));
        console.log(line('store.downsample (no HTTP)', store));
        console.log(line('baseline: store.query, all raw points of the day', raw));
        if (bare) console.log(line('baseline: bare client, Flux aggregateWindow(fn: mean)', bare));
        results.push(
          `RESULT ${mode} (load average ${loadAtStart.toFixed(1)} to ${loadavg()[0]!.toFixed(1)}): route p95 ${ms(http.p95)} (goal < 200 ms), ${(http.p95 / raw.p95).toFixed(2)}x the raw query's p95${bare ? `, ${(http.p95 / bare.p95).toFixed(2)}x a bare one-aggregate Flux query's` : ''}`,
        );
      } finally {
        await service.close();
        await ports.close();
      }
    }
    console.log(`\n${results.join('\n')}`);
  } finally {
    await infra.stop();
  }
}

/** Registers the twin and writes its day of one-second points (a machine's power draw). */
async function prepare(url: string, ports: Infrastructure & { store: TelemetryStore }) {
  const registered = await fetch(`${url}/v1/twins`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      twinId: TWIN,
      twinType: 'cnc-milling-machine',
      site: 'plant-a',
      commissionedAt: new Date(DAY_START - 86_400_000).toISOString(),
    }),
  });
  if (registered.status !== 201) throw new Error(`registering: HTTP ${registered.status}`);
  const points = Array.from({ length: POINTS }, (_, i) => ({
    twinId: TWIN,
    twinType: 'cnc-milling-machine',
    site: 'plant-a',
    property: 'power_consumption',
    value: 8 + 3 * Math.sin(i / 600) + Math.random(),
    time: new Date(DAY_START + i * 1000).toISOString(),
  }));
  const started = performance.now();
  await ports.store.write(points);
  console.error(`wrote ${POINTS} points in ${ms(performance.now() - started)}`);
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${url}/v1/twins/${TWIN}`);
    await res.arrayBuffer();
    if (res.status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the twin never appeared in the live state');
}

/** The raw Flux baseline: one aggregate, by the bare client, no parsing into windows. */
async function bareFlux(settings: Partial<InfraSettings>): Promise<Figures> {
  const influx = settings.influx!;
  const api = new InfluxDB({ url: influx.url, token: influx.token }).getQueryApi(influx.org);
  const flux = `from(bucket: "${influx.bucket}")
    |> range(start: ${FROM}, stop: ${TO})
    |> filter(fn: (r) => r.twin_id == "${TWIN}" and r.property == "power_consumption" and r._field == "value")
    |> aggregateWindow(every: ${EVERY_S}s, fn: mean, createEmpty: false)`;
  return measure(() => api.collectLines(flux));
}

async function measure(run: () => Promise<unknown>, n = REQUESTS): Promise<Figures> {
  for (let i = 0; i < Math.min(WARM_UP, n); i++) await run();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]!;
  return { p50: pct(0.5), p95: pct(0.95), p99: pct(0.99) };
}

const ms = (value: number) => `${value.toFixed(1)} ms`.padStart(9);

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
