import { windowCount } from '@twinlog/domain';
import { HttpProblem } from '@twinlog/service-kit';
import fc from 'fast-check';
import { MAX_WINDOWS, telemetryRange, type ReadLoad } from './telemetry-range';

const NOW = Date.parse('2026-11-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function refusal(asked: Parameters<typeof telemetryRange>[0], load?: ReadLoad): HttpProblem {
  try {
    telemetryRange(asked, NOW, load);
  } catch (error) {
    if (error instanceof HttpProblem) return error;
    throw error;
  }
  throw new Error('no refusal');
}

describe('the range of a telemetry read', () => {
  it('defaults to the hour before now, in windows chosen for about 1,000 points', () => {
    expect(telemetryRange({}, NOW)).toEqual({
      from: iso(NOW - 3_600_000),
      to: iso(NOW),
      every: { text: '5s', ms: 5_000 },
      chosen: true,
    });
    expect(telemetryRange({ to: '2026-11-01T00:00:00.000Z' }, NOW).from).toBe(
      '2026-10-31T23:00:00.000Z',
    );
    const day = telemetryRange({ from: '2026-10-31T12:00:00.000Z' }, NOW);
    expect([day.to, day.every.text]).toEqual([iso(NOW), '2m']);
  });

  it('takes an every that is asked for', () => {
    const range = telemetryRange({ every: '90s' }, NOW);
    expect([range.every, range.chosen]).toEqual([{ text: '90s', ms: 90_000 }, false]);
  });

  it('refuses an empty or inverted range, also one inverted by a default', () => {
    expect(refusal({ from: iso(NOW), to: iso(NOW) }).details).toMatchObject({ parameter: 'from' });
    expect(refusal({ from: iso(NOW + 1_000) }).message).toMatch(/from must be before to .*now/);
  });

  it('refuses an every that is not a duration', () => {
    for (const every of ['banana', '0s', '1mo', '1.5m', '1e9d', 'NaN'])
      expect(refusal({ every }).details).toMatchObject({ parameter: 'every' });
  });

  it('refuses an every giving more than the cap of windows, naming the smallest allowed', () => {
    const problem = refusal({ from: '2026-10-31T12:00:00.000Z', every: '1s' });
    expect(problem.details).toMatchObject({
      parameter: 'every',
      windows: 86_400,
      maxWindows: MAX_WINDOWS,
      smallestEvery: '9s',
    });
    expect(telemetryRange({ from: '2026-10-31T12:00:00.000Z', every: '9s' }, NOW).every.ms).toBe(
      9_000,
    );
  });
});

describe('the budget of series × windows of one read', () => {
  const DAY_AGO = iso(NOW - 86_400_000);
  const members = (n: number, properties = 1): ReadLoad => ({
    series: n * properties,
    budget: 200_000,
    what: `${n} members × ${properties} properties`,
  });

  it('refuses a roll-up of 2,000 members at 1m over a day, naming the smallest every that fits', () => {
    const problem = refusal({ from: DAY_AGO, every: '1m' }, members(2_000));
    expect(problem.details).toMatchObject({
      parameter: 'every',
      windows: 1_440,
      maxWindows: 100,
      smallestEvery: '864s',
      series: 2_000,
      budget: 200_000,
    });
    expect(problem.message).toMatch(/2000 members × 1 properties .*at least 864s/);
    const fits = telemetryRange({ from: DAY_AGO, every: '864s' }, NOW, members(2_000));
    expect(windowCount(NOW - 86_400_000, NOW, fits.every.ms) * 2_000).toBeLessThanOrEqual(200_000);
  });

  it('chooses every so that the answer fits the budget when none is asked', () => {
    expect(telemetryRange({ from: DAY_AGO }, NOW, members(2_000)).every.text).toBe('15m');
    expect(telemetryRange({ from: DAY_AGO }, NOW, members(2_000, 20)).every.text).toBe('6h');
    // Within the budget the chart's 1,000 points stay.
    expect(telemetryRange({ from: DAY_AGO }, NOW, members(3, 20)).every.text).toBe('2m');
  });

  it('keeps the cap of 10,000 windows when the budget allows more', () => {
    expect(refusal({ from: DAY_AGO, every: '1s' }, members(1)).details).toMatchObject({
      maxWindows: MAX_WINDOWS,
      smallestEvery: '9s',
    });
  });

  it('names the members and asks for fewer when not even the longest every fits', () => {
    const crowd: ReadLoad = {
      series: 40_000,
      budget: 20_000,
      what: '2000 members × 20 properties',
    };
    for (const asked of [{}, { every: '1m' }, { every: '366d' }]) {
      const problem = refusal(asked, crowd);
      expect(problem.details).toMatchObject({ parameter: 'property', series: 40_000 });
      expect(problem.message).toMatch(/2000 members × 20 properties .*narrower subtree/);
    }
    // Five windows each over 56 years would need an every longer than 366d.
    const decades = refusal({ from: iso(0) }, { ...crowd, budget: 200_000 });
    expect(decades.details).toMatchObject({ parameter: 'property' });
  });

  it('never answers more than the budget, asked or chosen', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40_000 }),
        fc.integer({ min: 20_000, max: 1_000_000 }),
        fc.integer({ min: 1_000, max: 400 * 86_400_000 }),
        fc.option(fc.constantFrom('1s', '10s', '1m', '15m', '1h', '1d', '30d')),
        (series, budget, span, every) => {
          const asked = { from: iso(NOW - span), ...(every ? { every } : {}) };
          let range;
          try {
            range = telemetryRange(asked, NOW, { series, budget, what: 'x' });
          } catch (error) {
            if (error instanceof HttpProblem && error.status === 400) return;
            throw error;
          }
          const windows = windowCount(NOW - span, NOW, range.every.ms);
          expect(windows).toBeLessThanOrEqual(MAX_WINDOWS);
          expect(windows * series).toBeLessThanOrEqual(budget);
          if (!every) expect(windows).toBeLessThanOrEqual(1_000);
        },
      ),
    );
  });
});
