import { ReadingWindows, SAMPLES_PER_PROPERTY, type WindowReading } from './reading-windows';

const MIN = 60_000;
const event = (n: number) => ({ id: `e${n}`, correlationId: `c${n}` });
const reading = (at: number, value: number, property = 'temperature'): WindowReading => ({
  property,
  value,
  unit: '°C',
  at,
});

describe('ReadingWindows', () => {
  it('closes a window aligned to the interval when the first reading past its end arrives', () => {
    const windows = new ReadingWindows(15 * MIN);
    const t0 = Date.parse('2026-01-01T10:00:00Z');
    for (let s = 0; s < 12 * 60; s += 10)
      expect(windows.add('m1', event(s), [reading(t0 + 3 * MIN + s * 1000, 50 + (s % 7))])).toBe(
        undefined,
      );
    const closed = windows.add('m1', event(999), [reading(t0 + 18 * MIN, 51)]);
    expect(closed).toMatchObject({
      // 10:00 to 10:15 holds the readings from 10:03 to 10:14:50; the one at 10:18 opens the next.
      from: t0,
      to: t0 + 15 * MIN,
      readings: 72,
      lastEvent: { id: 'e710' },
      properties: [{ property: 'temperature', unit: '°C', count: 72, min: 50, max: 56 }],
    });
    // The same readings always close the same window: its end is a function of the readings.
    const again = new ReadingWindows(15 * MIN);
    for (let s = 0; s < 12 * 60; s += 10)
      again.add('m1', event(s), [reading(t0 + 3 * MIN + s * 1000, 50 + (s % 7))]);
    expect(again.add('m1', event(999), [reading(t0 + 18 * MIN, 51)])).toEqual(closed);
  });

  it('keeps at most SAMPLES_PER_PROPERTY readings per property, spread over the window', () => {
    const windows = new ReadingWindows(60 * MIN);
    for (let s = 0; s < 3600; s += 1) windows.add('m1', event(s), [reading(s * 1000, s)]);
    const closed = windows.add('m1', event(4000), [reading(3600 * 1000, 0)])!;
    const [series] = closed.properties;
    expect(series!.count).toBe(3600);
    expect(series!.mean).toBeCloseTo(1799.5);
    expect(series!.samples.length).toBe(SAMPLES_PER_PROPERTY);
    expect(series!.samples[0]).toEqual([0, 0]);
    expect(series!.samples.at(-1)![1]).toBeGreaterThan(3400);
  });

  it('leaves out late readings, non-finite values, and names like __proto__ are just names', () => {
    const windows = new ReadingWindows(MIN);
    windows.add('__proto__', event(1), [reading(2 * MIN, 1, '__proto__')]);
    windows.add('__proto__', event(2), [reading(MIN / 2, 99), reading(2 * MIN + 5, NaN)]);
    const closed = windows.add('__proto__', event(3), [reading(3 * MIN, 1)]);
    expect(closed).toMatchObject({ from: 2 * MIN, readings: 1 });
    expect(closed!.properties.map((p) => p.property)).toEqual(['__proto__']);
  });

  it('closes nothing for an empty window and forgets a twin', () => {
    const windows = new ReadingWindows(MIN);
    windows.add('m1', event(1), [reading(0, 1)]);
    windows.forget('m1');
    expect(windows.add('m1', event(2), [reading(5 * MIN, 1)])).toBe(undefined);
    expect(windows.twins).toBe(1);
  });
});
