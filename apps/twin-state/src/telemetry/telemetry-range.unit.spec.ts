import { HttpProblem } from '@twinlog/service-kit';
import { MAX_WINDOWS, telemetryRange } from './telemetry-range';

const NOW = Date.parse('2026-11-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function refusal(asked: Parameters<typeof telemetryRange>[0]): HttpProblem {
  try {
    telemetryRange(asked, NOW);
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
