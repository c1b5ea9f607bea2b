import {
  chartSummary,
  latestReadingMs,
  MIN_RANGE_MS,
  parseIsoTime,
  queryOfRange,
  rangeFromQuery,
  telemetryWindow,
  zoomedRange,
} from './time-range';

const T = Date.parse('2026-12-06T10:00:00.000Z');
const NOW = Date.parse('2026-12-06T18:00:00.000Z');

describe("the twin page's chart range", () => {
  it('ends a preset at the latest reading (plant time), not at now, and includes that reading', () => {
    const latest = T + 400; // 10:00:00.400
    const r = rangeFromQuery({ range: '15m' }, latest, NOW);
    expect(r.preset).toBe('15m');
    expect(r.toMs).toBe(T + 1000);
    expect(r.toMs).toBeGreaterThan(latest);
    expect(r.toMs - r.fromMs).toBe(15 * 60_000);
  });

  it('uses 1 h by default, and now when the twin has no reading', () => {
    const r = rangeFromQuery({}, undefined, NOW);
    expect(r).toEqual({ fromMs: NOW + 1000 - 3_600_000, toMs: NOW + 1000, preset: '1h' });
  });

  it('takes a dragged range from the URL, and refuses inverted, tiny or invalid ones', () => {
    const q = queryOfRange({ fromMs: T, toMs: T + 60_000 });
    expect(q).toEqual({
      range: undefined,
      from: '2026-12-06T10:00:00.000Z',
      to: '2026-12-06T10:01:00.000Z',
    });
    expect(rangeFromQuery(q as Record<string, string>, undefined, NOW)).toEqual({
      fromMs: T,
      toMs: T + 60_000,
      preset: undefined,
    });
    for (const bad of [
      { from: '2026-12-06T10:01:00Z', to: '2026-12-06T10:00:00Z' }, // inverted
      { from: '2026-12-06T10:00:00Z', to: '2026-12-06T10:00:01Z' }, // under the minimum
      { from: '2026-02-31T10:00:00Z', to: '2026-12-06T10:00:00Z' }, // no such day
      { from: 'yesterday', to: '2026-12-06T10:00:00Z' },
      { range: '__proto__' },
    ])
      expect(rangeFromQuery(bad, T, NOW).preset).toBe('1h');
  });

  it('parses only ISO times with a zone naming a real instant', () => {
    expect(parseIsoTime('2026-12-06T10:00:00Z')).toBe(T);
    expect(parseIsoTime('2026-12-06T11:00:00+01:00')).toBe(T);
    expect(parseIsoTime('2026-12-06T10:00:00')).toBeUndefined();
    expect(parseIsoTime('2026-11-31T10:00:00Z')).toBeUndefined();
    expect(parseIsoTime(undefined)).toBeUndefined();
  });

  it('asks the server for windows that fit the width, from minutes to months', () => {
    expect(telemetryWindow({ fromMs: T, toMs: T + 15 * 60_000 }, 800)).toEqual({
      from: '2026-12-06T10:00:00.000Z',
      to: '2026-12-06T10:15:00.000Z',
      every: '5s',
      everyMs: 5_000,
    });
    const ninety = telemetryWindow({ fromMs: T - 90 * 86_400_000, toMs: T }, 800);
    expect(ninety.every).toBe('6h'); // 90 d / 400 points = 5.4 h → the next round step
    // never more than ~width/2 windows, so a month costs what a minute does
    for (const ms of [60_000, 3_600_000, 86_400_000, 30 * 86_400_000]) {
      const w = telemetryWindow({ fromMs: T - ms, toMs: T }, 1000);
      expect(ms / w.everyMs).toBeLessThanOrEqual(500);
    }
  });

  it('orders a drag and widens a click-sized one to the minimum', () => {
    expect(zoomedRange(T + 60_000, T)).toEqual({ fromMs: T, toMs: T + 60_000 });
    const tiny = zoomedRange(T, T + 2_000);
    expect(tiny.toMs - tiny.fromMs).toBe(MIN_RANGE_MS);
    expect(tiny.fromMs).toBeLessThanOrEqual(T);
  });

  it('finds the latest reading, ignoring unparseable times', () => {
    expect(
      latestReadingMs({
        a: { occurredAt: '2026-12-06T09:00:00Z' },
        b: { occurredAt: '2026-12-06T10:00:00Z' },
        c: { occurredAt: 'garbage' },
      }),
    ).toBe(T);
    expect(latestReadingMs({})).toBeUndefined();
  });
});

describe("a chart's text summary", () => {
  it('says the range, the windows and the extremes, or that there were no readings', () => {
    const series = {
      property: 'temperature',
      unit: '°C',
      windows: [
        { mean: 41, min: 40, max: 42.5, last: 41.2 },
        { mean: NaN, min: NaN, max: NaN, last: NaN },
        { mean: 44, min: 43, max: 47.25, last: 45 },
      ],
    };
    expect(chartSummary(series, '1 h to 10:00', '10s')).toBe(
      'temperature 1 h to 10:00, 2 windows of 10s: lowest 40 °C, highest 47.25 °C, last 45 °C.',
    );
    expect(chartSummary({ ...series, windows: [] }, '1 h to 10:00', '10s')).toBe(
      'No readings of temperature 1 h to 10:00.',
    );
  });
});
