import type { QuietHours } from './alert-events';

/** Whether `timeZone` is an IANA zone this runtime knows (Intl throws RangeError otherwise). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

interface WallTime {
  year: number;
  month: number;
  day: number;
  minutes: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatOf(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, format);
  }
  return format;
}

function wallTimeAt(instant: number, timeZone: string): WallTime & { seconds: number } {
  const parts = new Map(formatOf(timeZone).formatToParts(instant).map((p) => [p.type, p.value]));
  const num = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.get(type) ?? 0);
  return {
    year: num('year'),
    month: num('month'),
    day: num('day'),
    minutes: num('hour') * 60 + num('minute'),
    seconds: num('second'),
  };
}

/** The zone's offset from UTC at an instant, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  const wall = wallTimeAt(instant, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, 0, wall.minutes, wall.seconds);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a local wall time happens in a zone. A time skipped by a DST change (02:30 on the
 * spring-forward night) comes out as the instant the clocks jumped to (03:30 summer time).
 */
export function instantOfWallTime(wall: WallTime, timeZone: string): number {
  const naive = Date.UTC(wall.year, wall.month - 1, wall.day, 0, wall.minutes);
  const first = naive - offsetAt(naive, timeZone);
  return naive - offsetAt(first, timeZone);
}

export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * When the quiet hours that hold `at` end (ms), or null when `at` is outside them. `from` after
 * `to` spans midnight (22:00-06:00); `from` equal to `to` is no quiet hours at all.
 */
export function quietUntil(quiet: QuietHours, at: number): number | null {
  const from = minutesOf(quiet.from);
  const to = minutesOf(quiet.to);
  if (from === to) return null;
  const wall = wallTimeAt(at, quiet.timeZone);
  const t = wall.minutes;
  const inside = from < to ? t >= from && t < to : t >= from || t < to;
  if (!inside) return null;
  // Ends today at `to` when `to` is still ahead on the clock, else tomorrow.
  const dayShift = t < to ? 0 : 1;
  const day = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + dayShift));
  const end = instantOfWallTime(
    { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate(), minutes: to },
    quiet.timeZone,
  );
  return end > at ? end : null;
}
