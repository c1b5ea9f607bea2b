import { startInProcessTwinlog, type InProcessTwinlog } from './testing/in-process-twinlog';

// The embedded mode end to end behind the one port: readings accepted by ingestion are written
// to the telemetry store and read back, downsampled, through the gateway's twin-state route.
jest.setTimeout(120_000);

let t: InProcessTwinlog;
// Half an hour ago, aligned to the minute: windows of 1m start on the readings' minutes.
const T0 = Math.floor((Date.now() - 30 * 60_000) / 60_000) * 60_000;
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${t.url}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

beforeAll(async () => {
  t = await startInProcessTwinlog();
  const registered = await call('POST', '/v1/twins', {
    twinId: 'chart-mill',
    twinType: 'cnc-milling-machine',
    site: 'plant-a',
    commissionedAt: at(-3_600),
  });
  expect(registered.status).toBe(201);
});
afterAll(async () => t?.close());

it('reads back, downsampled, the readings ingestion accepted', async () => {
  const readings = [10, 20, 30, 60, 61, 125].map((s, i) => ({
    twinId: 'chart-mill',
    property: 'temperature',
    value: 40 + i,
    time: at(s),
    readingId: `chart-${i}`,
  }));
  // Ingestion's directory follows twin-events: retry until it knows the twin.
  for (let i = 0; ; i++) {
    const accepted = await call('POST', '/v1/readings', readings);
    if (accepted.status === 200) break;
    if (i > 100) throw new Error(`readings refused: ${JSON.stringify(accepted.json)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const path = `/v1/twins/chart-mill/telemetry?property=temperature,spindle_speed&from=${at(0)}&to=${at(180)}&every=1m`;
  let answer = await call('GET', path);
  for (let i = 0; i < 100 && answer.json.series?.[0]?.windows.length !== 3; i++) {
    await new Promise((r) => setTimeout(r, 100));
    answer = await call('GET', path);
  }
  expect(answer.status).toBe(200);
  expect(answer.json.series).toEqual([
    {
      property: 'temperature',
      unit: '°C',
      windows: [
        { start: at(0), mean: 41, min: 40, max: 42, last: 42, count: 3 },
        { start: at(60), mean: 43.5, min: 43, max: 44, last: 44, count: 2 },
        { start: at(120), mean: 45, min: 45, max: 45, last: 45, count: 1 },
      ],
    },
    { property: 'spindle_speed', unit: 'rpm', windows: [] },
  ]);
  // A chart that names nothing gets the last hour, with every chosen for it.
  const recent = await call('GET', '/v1/twins/chart-mill/telemetry?property=temperature');
  expect([recent.status, recent.json.every, recent.json.everyChosen]).toEqual([200, '5s', true]);
  expect(
    recent.json.series[0].windows.reduce((n: number, w: { count: number }) => n + w.count, 0),
  ).toBe(6);
});
