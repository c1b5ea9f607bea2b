import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { realServer } from '@twinlog/testing';
import { SqliteTelemetryStore } from './embedded/sqlite-telemetry-store';
import { InfluxTelemetryStore } from './influx/influx-telemetry-store';
import type { DownsampleQuery, TelemetryPoint, TelemetryStore } from './telemetry-store.port';

/**
 * The two adapters give identical downsampled answers (the mean rounded alike, roundMean) for
 * the same points: random values of every magnitude, random unaligned ranges and windows.
 */
describe('downsampled reads: InfluxDB and the embedded store agree', () => {
  let embedded: TelemetryStore;
  let influx: TelemetryStore;
  const base = Date.parse('2026-10-01T00:00:00.000Z');

  beforeAll(async () => {
    embedded = SqliteTelemetryStore.open(
      join(mkdtempSync(join(tmpdir(), 'twinlog-tsdb-')), 'telemetry.sqlite'),
    );
    influx = new InfluxTelemetryStore(realServer('influx'));
  });
  afterAll(async () => {
    await embedded?.close();
    await influx?.close();
  });

  const value = fc
    .oneof(
      fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
      fc.double({ min: -1e-3, max: 1e-3, noNaN: true, noDefaultInfinity: true }),
      fc.integer({ min: -1000, max: 1000 }),
    )
    .map((v) => (v === 0 ? 0 : v)); // -0 is stored as 0 by either
  const series = fc.array(fc.tuple(fc.integer({ min: 0, max: 4 * 3_600_000 }), value), {
    minLength: 1,
    maxLength: 400,
  });

  it('answers the same windows from both stores', async () => {
    await fc.assert(
      fc.asyncProperty(
        series,
        series,
        fc.integer({ min: 0, max: 2 * 3_600_000 }),
        fc.integer({ min: 1, max: 3 * 3_600_000 }),
        fc.constantFrom(1, 7, 60, 90, 900, 3600),
        async (temperature, vibration, fromOffset, span, everyS) => {
          const twinId = `agree-${randomUUID()}`;
          const points: TelemetryPoint[] = [
            ...temperature.map(([t, v]) => point(twinId, 'temperature', base + t, v)),
            ...vibration.map(([t, v]) => point(twinId, 'vibration', base + t, v)),
          ];
          await embedded.write(points);
          await influx.write(points);
          const query: DownsampleQuery = {
            twinIds: [twinId],
            properties: ['temperature', 'vibration', 'spindle_speed'],
            from: new Date(base + fromOffset).toISOString(),
            to: new Date(base + fromOffset + span).toISOString(),
            everyMs: everyS * 1000,
          };
          expect(await influx.downsample(query)).toEqual(await embedded.downsample(query));
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});

function point(twinId: string, property: string, ms: number, value: number): TelemetryPoint {
  return {
    twinId,
    twinType: 'cnc-milling-machine',
    site: 'plant-a',
    property,
    value,
    time: new Date(ms).toISOString(),
  };
}
