import { parseTime } from '@twinlog/domain';
import { PlantSimError } from '../errors';

/**
 * How plant time relates to wall time in a run: plant time runs `speed` times as fast as the
 * wall clock from `plantStartMs`, but never ahead of the wall clock (ingestion refuses readings
 * from the future). A fast run therefore starts in the past, catches up with the present, and
 * from then on runs live at 1×.
 */
export interface PlantClock {
  plantStartMs: number;
  wallStartMs: number;
  speed: number;
}

export const MAX_SPEED = 1_000_000;

export function plantClock(plantStartMs: number, wallStartMs: number, speed: number): PlantClock {
  if (!(speed > 0 && speed <= MAX_SPEED)) {
    throw new PlantSimError(
      'OPTIONS_INVALID',
      `speed must be above 0 and at most ${MAX_SPEED} plant seconds per wall second, got ${speed}`,
    );
  }
  return { plantStartMs, wallStartMs, speed };
}

/** The plant time that is due at a wall time. */
export function plantTimeAt(clock: PlantClock, wallMs: number): number {
  const paced = clock.plantStartMs + (wallMs - clock.wallStartMs) * clock.speed;
  return Math.min(paced, Math.max(wallMs, clock.plantStartMs));
}

/** The wall time at which a plant time is due. */
export function wallTimeFor(clock: PlantClock, plantMs: number): number {
  return Math.max(clock.wallStartMs + (plantMs - clock.plantStartMs) / clock.speed, plantMs);
}

/**
 * Where plant time starts when the caller does not say: far enough in the past that a run at
 * `speed` reaches the present after `expectedWallMs` of wall time; now, at 1× or slower.
 */
export function defaultPlantStart(
  wallNowMs: number,
  speed: number,
  expectedWallMs: number,
): number {
  return speed <= 1 ? wallNowMs : wallNowMs - Math.round(expectedWallMs * (speed - 1));
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `10m`, `1.5h`, `2d`, `250ms`; a bare number is seconds. */
export function parseDuration(text: string, what = 'duration'): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) {
    throw new PlantSimError(
      'OPTIONS_INVALID',
      `${what} "${text}" is not a duration (e.g. 500ms, 30s, 10m, 2h, 1d)`,
    );
  }
  return Number(match[1]) * UNIT_MS[match[2] ?? 's']!;
}

/** `now`, `now-2h` / `-2h` (before now), or an ISO 8601 time with a zone. */
export function parsePlantStart(text: string, wallNowMs: number): number {
  const relative = /^(?:now)?-(.+)$/.exec(text.trim());
  if (text.trim() === 'now') return wallNowMs;
  const at = relative
    ? parseTime(wallNowMs - parseDuration(relative[1]!, 'start offset'), { epochMs: true })
    : parseTime(text.trim());
  if (!at.ok) {
    throw new PlantSimError(
      'OPTIONS_INVALID',
      `start "${text.slice(0, 40)}" is not a time: use now, now-2h, or ISO 8601 with a zone (2026-11-27T08:00:00Z): ${at.reason}`,
    );
  }
  return at.ms;
}
