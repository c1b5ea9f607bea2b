import { randomUUID } from 'node:crypto';
import { eventually } from '@twinlog/event-log/testing';
import { minutesAgo, startHarness, type Harness } from './testing/ingestion-harness';

// Twin ids of this run: the InfluxDB bucket is shared with other tests and earlier runs.
const RUN = randomUUID().slice(0, 8);
const MILL = `mill-${RUN}`;
const RETIRED = `mill-retired-${RUN}`;

const reading = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  twinId: MILL,
  property: 'temperature',
  value: 41.5,
  time: minutesAgo(5),
  ...over,
});

/** Every reading the telemetry stream holds for a twin, as [property, value] pairs. */
async function logged(h: Harness, twinId: string): Promise<Array<[string, number]>> {
  const events = await h.infra.log.readStream(twinId, { streams: ['telemetry'] });
  return events.flatMap((e) =>
    e.type === 'TelemetryReported'
      ? e.data.readings.map((r): [string, number] => [r.property, r.value])
      : [],
  );
}

describe('ingestion over HTTP (real Kafka, InfluxDB, mosquitto)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(
      [
        { twinId: MILL, twinType: 'cnc-milling-machine', site: 'plant-a' },
        { twinId: RETIRED, twinType: 'cnc-milling-machine', retire: true },
      ],
      { INGESTION_MAX_BATCH: '50', INGESTION_MAX_BODY_BYTES: '65536' },
    );
  });
  afterAll(async () => h?.close());

  it('accepts a batch into the log and InfluxDB, converting units, and answers per reading', async () => {
    const time = minutesAgo(10);
    const { status, json } = await h.post(
      JSON.stringify({
        readings: [
          reading({ time, readingId: 'r-1' }),
          reading({
            property: 'power_consumption',
            value: 7500,
            unit: 'W',
            time,
            readingId: 'r-2',
          }),
          reading({
            property: 'temperature',
            value: 212,
            unit: '°F',
            time: minutesAgo(9),
            readingId: 'r-3',
          }),
        ],
      }),
    );
    expect(status).toBe(200);
    expect(json).toMatchObject({ accepted: 3, duplicates: 0, rejected: 0 });
    expect(json.results[1]).toEqual({
      index: 1,
      status: 'accepted',
      twinId: MILL,
      readingId: 'r-2',
    });
    expect(await logged(h, MILL)).toEqual(
      expect.arrayContaining([
        ['temperature', 41.5],
        ['power_consumption', 7.5],
        ['temperature', 100],
      ]),
    );
    const from = minutesAgo(60);
    let points: Array<{ property: string; value: number }> = [];
    await eventually(async () => {
      points = await h.infra.store.query({ twinId: MILL, from, to: minutesAgo(-1) });
      return points.length >= 3;
    }, 'the 3 points written to InfluxDB by the telemetry writer');
    expect(points.map((p) => [p.property, p.value])).toEqual(
      expect.arrayContaining([
        ['power_consumption', 7.5],
        ['temperature', 100],
      ]),
    );
  });

  it('answers each bad reading with its reason, dead-letters it, and keeps the good ones of the batch', async () => {
    const nextYear = new Date(Date.now() + 365 * 86_400_000).toISOString();
    const bad = [
      reading({ value: 'NaN', readingId: 'b-1' }),
      reading({ value: null, readingId: 'b-2' }),
      reading({ value: 'hot', readingId: 'b-3' }),
      reading({ twinId: 'mill-404', readingId: 'b-4' }),
      reading({ property: 'torque', readingId: 'b-5' }),
      reading({ unit: 'bar', readingId: 'b-6' }),
      reading({ time: '1970-01-01T00:00:00Z', readingId: 'b-7' }),
      reading({ time: nextYear, readingId: 'b-8' }),
      reading({ twinId: RETIRED, readingId: 'b-9' }),
    ];
    const good = reading({ value: 44, readingId: 'g-1', time: minutesAgo(4) });
    // JSON has no Infinity, but 1e999 parses to it.
    const infinite = JSON.stringify(reading({ value: 0, readingId: 'b-10' })).replace(
      '"value":0',
      '"value":1e999',
    );
    const { status, json } = await h.post(
      `[${[good, ...bad, good].map((r) => JSON.stringify(r)).join(',')},${infinite}]`,
    );
    expect(status).toBe(207);
    expect(json).toMatchObject({ accepted: 1, duplicates: 1, rejected: 10 });
    expect(
      json.results.map(
        (r: { status: string; error?: { code: string } }) => r.error?.code ?? r.status,
      ),
    ).toEqual([
      'accepted',
      'VALUE_INVALID',
      'VALUE_INVALID',
      'VALUE_INVALID',
      'TWIN_NOT_FOUND',
      'PROPERTY_UNKNOWN',
      'UNIT_MISMATCH',
      'TIMESTAMP_IMPLAUSIBLE',
      'TIMESTAMP_IMPLAUSIBLE',
      'TWIN_RETIRED',
      'duplicate',
      'VALUE_INVALID',
    ]);
    expect(json.results[11].error.message).toMatch(/finite number/);
    expect(json.results[4].error.message).toMatch(/mill-404 is not registered/);

    // A resend of an accepted reading is a duplicate, answered 200 and not logged twice.
    const again = await h.post(JSON.stringify([good]));
    expect(again.status).toBe(200);
    expect(again.json.results[0]).toMatchObject({ status: 'duplicate', readingId: 'g-1' });
    expect((await logged(h, MILL)).filter(([, v]) => v === 44)).toHaveLength(1);

    const letters = await h.infra.log.readDeadLetters();
    for (const r of bad) {
      const letter = letters.find((l) => l.payload.includes(`"${r.readingId}"`));
      expect(letter).toMatchObject({ consumer: 'ingestion', source: { stream: 'ingestion/http' } });
    }
    expect(letters.find((l) => l.payload.includes('"b-6"'))).toMatchObject({
      code: 'UNIT_MISMATCH',
    });
  });

  it.each([
    ['malformed JSON', '{"readings": [', 'application/json', 400, 'JSON_MALFORMED'],
    ['a body that is not a batch', '{"twin": 1}', 'application/json', 400, 'BATCH_MALFORMED'],
    [
      'a wrong content type',
      'twinId=mill-1',
      'application/x-www-form-urlencoded',
      415,
      'CONTENT_TYPE_UNSUPPORTED',
    ],
    ['an empty batch', '[]', 'application/json', 400, 'BATCH_EMPTY'],
    [
      'a batch over the count limit',
      JSON.stringify(Array.from({ length: 51 }, () => reading())),
      'application/json',
      413,
      'BATCH_TOO_LARGE',
    ],
    [
      'a body over the size limit',
      JSON.stringify([reading({ pad: 'x'.repeat(70_000) })]),
      'application/json',
      413,
      'BODY_TOO_LARGE',
    ],
  ])(
    'refuses %s whole, with a clear machine-readable error',
    async (_label, body, type, status, code) => {
      const response = await h.post(body, type);
      expect(response.status).toBe(status);
      expect(response.json.error.code).toBe(code);
      expect(response.json.error.message.length).toBeGreaterThan(10);
      if (code !== 'BATCH_EMPTY') {
        const letters = await h.infra.log.readDeadLetters();
        expect(letters.some((l) => l.code === code)).toBe(true);
      }
      // The service keeps running.
      const ok = await h.post(JSON.stringify([reading({ time: minutesAgo(Math.random() * 60) })]));
      expect(ok.status).toBe(200);
    },
  );

  it('takes NDJSON streams, refusing a malformed line on its own', async () => {
    const lines = [
      JSON.stringify(reading({ value: 50, readingId: 'n-1' })),
      '{"twinId": "mill-1", "value": NaN}',
      '42',
      JSON.stringify(reading({ value: 51, readingId: 'n-2', time: minutesAgo(3) })),
    ].join('\n');
    const { status, json } = await h.post(`${lines}\n`, 'application/x-ndjson');
    expect(status).toBe(207);
    expect(
      json.results.map(
        (r: { status: string; error?: { code: string } }) => r.error?.code ?? r.status,
      ),
    ).toEqual(['accepted', 'JSON_MALFORMED', 'READING_MALFORMED', 'accepted']);
    expect(await logged(h, MILL)).toEqual(
      expect.arrayContaining([
        ['temperature', 50],
        ['temperature', 51],
      ]),
    );
  });

  it('reports readiness once the twin directory has replayed twin-events', async () => {
    const ready = await fetch(`${h.service.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', twins: 2 });
  });
});
