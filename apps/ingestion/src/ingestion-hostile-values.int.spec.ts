import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { physicalRangeOf, type PhysicalRange } from '@twinlog/domain';
import { DAY_MS, startHarness, type Harness } from './testing/ingestion-harness';

// Issue 15, defects 2 and 3, through the real HTTP endpoint: hostile numbers and times in a
// readings body each get that reading's own 422 with the right code, in a 207 beside the good
// readings, which are accepted; never a 500 (a RangeError from `new Date(1e20)`), never a
// rolled-over date (31 November stored as 1 December), never a value a sum overflows on.
const RUN = randomUUID().slice(0, 8);
const MILL = `mill-nums-${RUN}`;

type Expect = 'accepted' | 'VALUE_INVALID' | 'VALUE_OUT_OF_BOUNDS' | 'TIMESTAMP_IMPLAUSIBLE';
interface Case<T> {
  sent: T;
  verdict: Expect;
}

const ago = (ms: number) => Date.now() - ms;
const daysInMonth = (year: number, month: number) =>
  new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * Impossible calendar dates that `Date.parse` rolls over into the twin's plausible window (it
 * was commissioned 30 days ago): the 31st of a recent 30-day month is the 1st of the next.
 */
function rollingOverDates(): string[] {
  const found: string[] = [];
  for (let back = 0; back < 3; back++) {
    const d = new Date(ago(back * 28 * DAY_MS));
    const [y, m] = [d.getUTCFullYear(), d.getUTCMonth() + 1];
    for (let day = daysInMonth(y, m) + 1; day <= 31; day++) {
      const text = `${y}-${String(m).padStart(2, '0')}-${day}T00:30:00Z`;
      const rolled = Date.parse(text);
      if (rolled > ago(29 * DAY_MS) && rolled < ago(3_600_000)) found.push(text);
    }
  }
  return found;
}

const recentMs = fc.integer({ min: 60_000, max: 20 * DAY_MS }).map(ago);
const goodTime: fc.Arbitrary<Case<unknown>> = fc.oneof(
  recentMs.map((ms) => ({ sent: new Date(ms).toISOString(), verdict: 'accepted' as const })),
  recentMs.map((ms) => ({ sent: ms, verdict: 'accepted' as const })),
  recentMs.map((ms) => ({
    sent: new Date(ms + 3_600_000).toISOString().replace('Z', '+01:00'),
    verdict: 'accepted' as const,
  })),
);
const badTime: fc.Arbitrary<Case<unknown>> = fc
  .oneof(
    fc.constantFrom<unknown>(
      1e20,
      -1e20,
      8.64e15 + 1,
      -1,
      1e308,
      '+275760-09-13T00:00:00.000Z',
      '-271821-04-19T00:00:00.000Z',
      '12026-11-27T10:00:00Z',
      '2026-11-27T25:00:00Z',
      '2026-11-27T24:00:00Z',
      '2026-11-27T23:60:00Z',
      '2026-11-27T10:00:60Z',
      '2026-02-30T10:00:00Z',
      '2026-11-27',
      '2026-11-27T10:00:00',
      'Infinity',
      'NaN',
      null,
      true,
      {},
    ),
    fc.constantFrom(...rollingOverDates(), '2026-11-31T00:30:00Z'),
    fc.string({ maxLength: 30 }),
  )
  .map((sent) => ({ sent, verdict: 'TIMESTAMP_IMPLAUSIBLE' as const }));

/**
 * Temperatures in °C against the property's physical range as the model declares it (the
 * oracle reads the range, so a model that narrows it keeps the test honest).
 */
function temperatureCases({ min, max }: PhysicalRange): fc.Arbitrary<Case<unknown>> {
  const below = min - Math.max(1, Math.abs(min) * 1e-9);
  const above = max + Math.max(1, Math.abs(max) * 1e-9);
  return fc.oneof(
    fc
      .oneof(
        fc.double({ min, max, noNaN: true }),
        fc.constantFrom(min, max, ...[0, -0, 5e-324].filter((v) => v >= min && v <= max)),
      )
      .map((sent) => ({ sent, verdict: 'accepted' as const })),
    fc
      .oneof(
        fc.constantFrom(-1e308, 1e308, below, above, 1e16, -Number.MAX_VALUE, Number.MAX_VALUE),
        fc.double({ min: -Number.MAX_VALUE, max: below, noNaN: true, noDefaultInfinity: true }),
        fc.double({ min: above, max: Number.MAX_VALUE, noNaN: true, noDefaultInfinity: true }),
      )
      .map((sent) => ({ sent, verdict: 'VALUE_OUT_OF_BOUNDS' as const })),
    fc
      .constantFrom<unknown>('NaN', 'Infinity', '-Infinity', '1e308', null, true, [], {}, '41.5')
      .map((sent) => ({ sent, verdict: 'VALUE_INVALID' as const })),
  );
}

function temperatureRange(h: Harness): PhysicalRange {
  const spec = h.infra.catalog.get('cnc-milling-machine').properties['temperature'];
  if (!spec) throw new Error('the seed CNC model has no temperature property');
  return physicalRangeOf(spec);
}

function codeOf(value: Case<unknown>, time: Case<unknown>): Expect {
  if (value.verdict !== 'accepted') return value.verdict;
  return time.verdict;
}

describe('hostile numbers and times in a readings body (real Kafka, InfluxDB, mosquitto)', () => {
  let h: Harness;
  const accepted: string[] = [];

  beforeAll(async () => {
    h = await startHarness([{ twinId: MILL, twinType: 'cnc-milling-machine', site: 'plant-a' }], {
      INGESTION_MAX_BATCH: '50',
    });
  });
  afterAll(async () => h?.close());

  it('answers each reading with its own verdict, never a 500, and keeps the good ones', async () => {
    let n = 0;
    const range = temperatureRange(h);
    const reading = fc
      .tuple(temperatureCases(range), fc.oneof(goodTime, goodTime, badTime))
      .map(([value, time]) => ({ value, time, readingId: `${RUN}-${(n += 1)}` }));
    await fc.assert(
      fc.asyncProperty(fc.array(reading, { minLength: 1, maxLength: 12 }), async (batch) => {
        const body = JSON.stringify(
          batch.map((r) => ({
            twinId: MILL,
            property: 'temperature',
            value: r.value.sent,
            time: r.time.sent,
            readingId: r.readingId,
          })),
        );
        const { status, json } = await h.post(body);
        const expected = batch.map((r) => codeOf(r.value, r.time));
        const good = expected.filter((e) => e === 'accepted').length;
        expect(status).toBe(good === batch.length ? 200 : good === 0 ? 422 : 207);
        const got = json.results.map(
          (r: { status: string; error?: { code: string } }) => r.error?.code ?? r.status,
        );
        expect({ body, got }).toEqual({ body, got: expected });
        batch.forEach((r, i) => expected[i] === 'accepted' && accepted.push(r.readingId));
      }),
      { numRuns: 60, endOnFailure: true },
    );
    // The accepted readings are in the log (acknowledged means appended), as the canonical time.
    const events = await h.infra.log.readStream(MILL, { streams: ['telemetry'] });
    const logged = events.flatMap((e) => (e.type === 'TelemetryReported' ? e.data.readings : []));
    expect(logged.map((r) => r.readingId).sort()).toEqual([...accepted].sort());
    for (const r of logged) {
      expect(r.occurredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(r.value).toBeGreaterThanOrEqual(temperatureRange(h).min);
      expect(r.value).toBeLessThanOrEqual(temperatureRange(h).max);
    }
  });

  it('refuses 31 November in a batch with the right code and keeps the good reading', async () => {
    const { status, json } = await h.post(
      JSON.stringify([
        {
          twinId: MILL,
          property: 'temperature',
          value: 40,
          time: new Date(ago(60_000)).toISOString(),
        },
        { twinId: MILL, property: 'temperature', value: 41, time: '2026-11-31T00:30:00Z' },
        { twinId: MILL, property: 'temperature', value: 42, time: 1e20 },
        { twinId: MILL, property: 'temperature', value: -1e308, time: ago(120_000) },
        {
          twinId: MILL,
          property: 'power_consumption',
          value: 1e308,
          unit: 'W',
          time: ago(120_000),
        },
      ]),
    );
    expect(status).toBe(207);
    expect(json.results.map((r: { error?: { code: string } }) => r.error?.code)).toEqual([
      undefined,
      'TIMESTAMP_IMPLAUSIBLE',
      'TIMESTAMP_IMPLAUSIBLE',
      'VALUE_OUT_OF_BOUNDS',
      'VALUE_OUT_OF_BOUNDS',
    ]);
    expect(json.results[1].error.message).toMatch(/November has 30 days/);
    expect(json.results[3].error.details).toMatchObject({
      min: temperatureRange(h).min,
      unit: '°C',
    });
  });
});
