import {
  chooseEvery,
  everyOf,
  parseEvery,
  roundMean,
  smallestEveryWithin,
  windowCount,
  windowStart,
} from './time-windows';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('time windows', () => {
  it('reads every as whole seconds, minutes, hours or days, and nothing else', () => {
    expect(parseEvery('90s')).toEqual({ text: '90s', ms: 90_000 });
    expect(parseEvery('15m')?.ms).toBe(900_000);
    expect(parseEvery('1d')?.ms).toBe(DAY);
    for (const bad of [
      '0s',
      '1.5m',
      '1mo',
      '1w',
      '-1m',
      '1ms',
      'm',
      '1 m',
      '01m',
      '367d',
      '1e3s',
      '',
    ])
      expect(parseEvery(bad)).toBeUndefined();
  });

  it('names a length in the largest unit that divides it', () => {
    expect(everyOf(120_000).text).toBe('2m');
    expect(everyOf(90_000).text).toBe('90s');
    expect(everyOf(DAY).text).toBe('1d');
  });

  it('aligns windows to the Unix epoch, a bound belonging to the window it starts', () => {
    expect(windowStart(Date.parse('2026-11-01T10:07:30Z'), 5 * 60_000)).toBe(
      Date.parse('2026-11-01T10:05:00Z'),
    );
    expect(windowStart(Date.parse('2026-11-01T10:10:00Z'), 5 * 60_000)).toBe(
      Date.parse('2026-11-01T10:10:00Z'),
    );
    expect(windowStart(-1, 1000)).toBe(-1000);
  });

  it('counts the windows a range touches, partial ones at either end included', () => {
    expect(windowCount(0, 3_000, 1_000)).toBe(3);
    expect(windowCount(500, 3_000, 1_000)).toBe(3);
    expect(windowCount(500, 3_001, 1_000)).toBe(4);
    expect(windowCount(5, 5, 1_000)).toBe(0);
    expect(windowCount(6, 5, 1_000)).toBe(0);
  });

  it('chooses every so that a chart gets at most 1,000 and at least about 400 windows', () => {
    expect(chooseEvery(0, DAY).text).toBe('2m'); // 720 windows
    expect(chooseEvery(0, HOUR).text).toBe('5s'); // 720
    expect(chooseEvery(0, 7 * DAY).text).toBe('15m'); // 672
    expect(chooseEvery(0, 60_000).text).toBe('1s');
    expect(chooseEvery(0, 10_000 * DAY).text).toBe('14d'); // 715
    expect(chooseEvery(0, 1_000_000 * DAY).text).toBe('366d'); // the longest, though over 1,000
    for (const span of [60_000, HOUR, 6 * HOUR, DAY, 30 * DAY, 365 * DAY]) {
      const from = Date.parse('2026-11-01T10:07:13.250Z');
      const every = chooseEvery(from, from + span);
      const n = windowCount(from, from + span, every.ms);
      expect(n).toBeLessThanOrEqual(1_000);
      if (span >= 1_000_000) expect(n).toBeGreaterThanOrEqual(300);
    }
  });

  it('finds the smallest every within a cap of windows', () => {
    const every = smallestEveryWithin(0, DAY, 10_000);
    expect(every.text).toBe('9s');
    expect(windowCount(0, DAY, every.ms)).toBeLessThanOrEqual(10_000);
    expect(windowCount(0, DAY, every.ms - 1_000)).toBeGreaterThan(10_000);
    // Unaligned, the ends add windows: still within the cap.
    const odd = smallestEveryWithin(1_500, DAY + 1_500, 10_000);
    expect(windowCount(1_500, DAY + 1_500, odd.ms)).toBeLessThanOrEqual(10_000);
    expect(smallestEveryWithin(0, 5_000, 10_000).text).toBe('1s');
  });

  it('finds an every within a small cap over decades in a bounded number of steps', () => {
    // Before the bound, cap 5 over 56 years scanned one second at a time: about 88 million steps.
    const to = Date.parse('2026-11-01T00:00:00.000Z');
    for (const [from, cap] of [
      [0, 5],
      [0, 2],
      [1_500, 3],
      [to - DAY, 2],
    ] as const) {
      const every = smallestEveryWithin(from, to, cap);
      expect(windowCount(from, to, every.ms)).toBeLessThanOrEqual(cap);
      expect(every.ms).toBeLessThanOrEqual(Math.ceil((to - from) / (cap - 1) / 1_000) * 1_000);
    }
    expect(() => smallestEveryWithin(0, DAY, 1)).toThrow(RangeError);
  });

  it('rounds a mean to 12 significant digits', () => {
    expect(roundMean((0.1 + 0.2 + 0.3) / 3)).toBe(0.2);
    expect(roundMean(70 / 3)).toBe(23.3333333333);
    expect(roundMean(1e-300 / 3)).toBe(3.33333333333e-301);
  });
});
