import {
  defaultPlantStart,
  parseDuration,
  parsePlantStart,
  plantClock,
  plantTimeAt,
  wallTimeFor,
} from './plant-clock';

const NOW = Date.parse('2026-06-01T12:00:00Z');

describe('plant clock', () => {
  it('runs plant time at speed from the start, never ahead of the wall clock', () => {
    const clock = plantClock(NOW - 3_600_000, NOW, 10);
    expect(plantTimeAt(clock, NOW)).toBe(NOW - 3_600_000);
    expect(plantTimeAt(clock, NOW + 60_000)).toBe(NOW - 3_000_000);
    // Caught up after 400 s (3600 s of lag closed at 9 s per second): live from then on.
    expect(plantTimeAt(clock, NOW + 400_000)).toBe(NOW + 400_000);
    expect(plantTimeAt(clock, NOW + 500_000)).toBe(NOW + 500_000);
    expect(wallTimeFor(clock, NOW - 3_000_000)).toBe(NOW + 60_000);
    expect(wallTimeFor(clock, NOW + 450_000)).toBe(NOW + 450_000);
  });

  it('starts a fast run in the past so that it reaches the present when it ends', () => {
    expect(defaultPlantStart(NOW, 1, 600_000)).toBe(NOW);
    const start = defaultPlantStart(NOW, 60, 600_000);
    expect(start).toBe(NOW - 600_000 * 59);
    const clock = plantClock(start, NOW, 60);
    expect(plantTimeAt(clock, NOW + 600_000)).toBe(NOW + 600_000);
  });

  it('refuses a speed that is not positive', () => {
    expect(() => plantClock(NOW, NOW, 0)).toThrow(
      expect.objectContaining({ code: 'OPTIONS_INVALID' }),
    );
  });

  it('reads durations and start times', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(() => parseDuration('ten minutes')).toThrow(/not a duration/);
    expect(parsePlantStart('now', NOW)).toBe(NOW);
    expect(parsePlantStart('now-2h', NOW)).toBe(NOW - 7_200_000);
    expect(parsePlantStart('-30m', NOW)).toBe(NOW - 1_800_000);
    expect(parsePlantStart('2026-06-01T08:00:00Z', NOW)).toBe(Date.parse('2026-06-01T08:00:00Z'));
    expect(() => parsePlantStart('2026-06-01 08:00', NOW)).toThrow(/ISO 8601 with a zone/);
    expect(() => parsePlantStart('2026-11-31T08:00:00Z', NOW)).toThrow(/November has 30 days/);
    expect(() => parsePlantStart('now-1000000000000d', NOW)).toThrow(/plausible window/);
  });
});
