import { InfluxDB } from '@influxdata/influxdb-client';
import {
  InfluxLimitsWriter,
  InfluxTelemetryStore,
  type InfluxStoreConfig,
  type TelemetryPoint,
} from '@twinlog/telemetry-store';
import { realServer } from '@twinlog/testing';
import { asGrafanaSends, fluxOf, loadDashboard, type GrafanaContext } from './dashboard-flux';

// Each variable's and panel's Flux of the provisioned dashboard, sent as Grafana sends it, against
// the real InfluxDB of the test tooling, over points written through Twinlog's own writers. The
// test's token may use only the shared bucket: its points lie in an hour of 2001 of its own.
// (Grafana itself cannot run here: no Docker.)

const dashboard = loadDashboard();
const flux = (what: string) => fluxOf(dashboard).find((f) => f.what.startsWith(what))!.flux;
const MINUTE = 60_000;
// An hour no other test writes in (whole minutes, so windows end on them).
const t0 =
  Date.parse('2001-01-01T00:00:00.000Z') + Math.floor(Math.random() * 300 * 24) * 60 * MINUTE;
const at = (minutes: number) => new Date(t0 + minutes * MINUTE).toISOString();

let config: InfluxStoreConfig;
let influx: InfluxDB;

beforeAll(async () => {
  const server = realServer('influx');
  config = server;
  influx = new InfluxDB({ url: server.url, token: server.token });

  const point = (
    twinId: string,
    site: string | null,
    property: string,
    minute: number,
    value: number,
  ): TelemetryPoint => ({
    twinId,
    twinType: 'cnc-milling-machine',
    site,
    property,
    value,
    time: at(minute),
  });
  const points: TelemetryPoint[] = [];
  for (let m = 0; m < 10; m++) {
    points.push(point('cnc-1', 'plant-a', 'temperature', m, 40 + m));
    points.push(point('cnc-1', 'plant-a', 'power_consumption', m, 5));
    points.push(point('cnc-2', 'plant-a', 'temperature', m, 70));
    points.push(point('cnc-9', 'plant-b', 'temperature', m, 10));
    points.push(point('loose-1', null, 'temperature', m, 1));
  }
  await new InfluxTelemetryStore(config).write(points);
  await new InfluxLimitsWriter(config).write([
    // Set an hour before the range; changed within it (the normal band removed).
    {
      twinId: 'cnc-1',
      site: 'plant-a',
      property: 'temperature',
      bounds: { normal_high: 60, alarm_high: 85 },
      time: at(-60),
      revision: 1,
    },
    {
      twinId: 'cnc-1',
      site: 'plant-a',
      property: 'temperature',
      bounds: { alarm_high: 80 },
      time: at(5),
      revision: 7,
    },
    {
      twinId: 'cnc-1',
      site: 'plant-a',
      property: 'power_consumption',
      bounds: { failure_high: 30 },
      time: at(-60),
      revision: 1,
    },
    {
      twinId: 'cnc-2',
      site: 'plant-a',
      property: 'temperature',
      bounds: { alarm_high: 99 },
      time: at(-60),
      revision: 1,
    },
  ]);
});

function context(variables: Record<string, string>): GrafanaContext {
  return {
    variables,
    from: new Date(t0),
    to: new Date(t0 + 10 * MINUTE),
    windowSeconds: 60,
  };
}

async function rows(text: string, ctx: GrafanaContext): Promise<Array<Record<string, unknown>>> {
  const sent = asGrafanaSends(text, {
    ...ctx,
    variables: { bucket: config.bucket, ...ctx.variables },
  });
  return influx.getQueryApi(config.org).collectRows(sent);
}

const values = (r: Array<Record<string, unknown>>) => r.map((row) => row['_value']).sort();

describe('the dashboard variables', () => {
  it('site: the sites with readings in the range (twins without a site have none)', async () => {
    expect(values(await rows(flux('variable site'), context({})))).toEqual(['plant-a', 'plant-b']);
  });

  it("twin: the chosen site's twins", async () => {
    const ctx = context({ site: 'plant-a' });
    expect(values(await rows(flux('variable twin'), ctx))).toEqual(['cnc-1', 'cnc-2']);
    const b = context({ site: 'plant-b' });
    expect(values(await rows(flux('variable twin'), b))).toEqual(['cnc-9']);
  });

  it("property: the chosen twin's properties, not its limits' fields", async () => {
    const ctx = context({ site: 'plant-a', twin: 'cnc-1' });
    expect(values(await rows(flux('variable property'), ctx))).toEqual([
      'power_consumption',
      'temperature',
    ]);
  });
});

describe('the panel', () => {
  const chosen = context({ site: 'plant-a', twin: 'cnc-1', property: 'temperature' });

  it("A: the chosen twin's property, a mean per window, named after the property", async () => {
    const answer = await rows(flux('panel "${twin}: ${property}" A'), chosen);
    // aggregateWindow stamps each window with its end.
    expect(answer.map((r) => [r['_time'], r['temperature']])).toEqual(
      Array.from({ length: 10 }, (_, m) => [at(m + 1).replace('.000Z', 'Z'), 40 + m]),
    );
    const other = await rows(flux('panel "${twin}: ${property}" A'), {
      ...chosen,
      variables: { ...chosen.variables, twin: 'cnc-2' },
    });
    expect(other.map((r) => r['temperature'])).toEqual(Array(10).fill(70));
  });

  it('B: the limits in force at the start, each change, held to the end; a removed bound is null', async () => {
    const answer = await rows(flux('panel "${twin}: ${property}" B'), chosen);
    expect(
      answer.map((r) => [r['_time'], r['normal_high'] ?? null, r['alarm_high'] ?? null]),
    ).toEqual([
      [at(0).replace('.000Z', 'Z'), 60, 85],
      [new Date(Date.parse(at(5)) + 7e-6).toISOString().replace('.000Z', '.000000007Z'), null, 80],
      [at(10).replace('.000Z', 'Z'), null, 80],
    ]);
    const power = await rows(flux('panel "${twin}: ${property}" B'), {
      ...chosen,
      variables: { ...chosen.variables, property: 'power_consumption' },
    });
    expect(power.map((r) => r['failure_high'])).toEqual([30, 30]);
    expect(power.every((r) => r['alarm_high'] === undefined)).toBe(true);
  });

  it('B: nothing (and no error) for a twin whose limits were never written', async () => {
    const none = await rows(flux('panel "${twin}: ${property}" B'), {
      ...chosen,
      variables: { site: 'plant-b', twin: 'cnc-9', property: 'temperature' },
    });
    expect(none).toEqual([]);
  });
});
