import { TwinlogError, type ErrorCode } from '../errors';

/**
 * Every time that enters Twinlog (a reading's time, `?at=`, `?from`/`?to`, a commissioning or
 * maintenance time, a simulation's start) goes through this one strict parser. `Date.parse`
 * is not strict: it rolls 2026-11-31 over to 1 December and `new Date(1e20).toISOString()`
 * throws a RangeError. Here every input is either a plausible instant or a plain refusal.
 *
 * Accepted text: `YYYY-MM-DDTHH:MM[:SS[.fraction]]` followed by `Z`, `±HH:MM` or `±HHMM`
 * (ISO 8601 / RFC 3339 with a zone), a real calendar date (leap years by the Gregorian rule),
 * hours 00-23, minutes and seconds 00-59 (no leap second 60: POSIX time, and so JavaScript,
 * InfluxDB and this log, have none). Fractions past milliseconds are truncated.
 * Accepted numbers (where a caller allows them): epoch milliseconds.
 * Either way the instant must lie in the plausible window, 1970-01-01 to 9999-12-31 UTC.
 */
export const EARLIEST_TIME_MS = 0;
export const LATEST_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const WINDOW = '1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z';

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):?(\d{2}))$/;
/** Longest accepted text: 2026-11-27T10:00:00.123456789+01:00. */
const MAX_LENGTH = 35;

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export const isLeapYear = (year: number) =>
  (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** Days in `month` (1-12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export type ParsedTime = { ok: true; ms: number; iso: string } | { ok: false; reason: string };

/** An input as a message may repeat it: short, and never more than a few dozen characters. */
export function quoteInput(input: unknown): string {
  const text =
    typeof input === 'string' ? input : typeof input === 'number' ? String(input) : typeof input;
  const cut = text.length > 40 ? `${text.slice(0, 40)}...` : text;
  return typeof input === 'string' ? JSON.stringify(cut) : cut;
}

/** Parses ISO text or (when `epochMs`) a number of epoch milliseconds. Never throws. */
export function parseTime(input: unknown, options: { epochMs?: boolean } = {}): ParsedTime {
  if (typeof input === 'number' && options.epochMs) return fromEpochMs(input);
  if (typeof input !== 'string') {
    return {
      ok: false,
      reason: options.epochMs
        ? 'must be an ISO 8601 time with a zone or epoch milliseconds'
        : 'must be an ISO 8601 time with a zone',
    };
  }
  return parseIsoTime(input);
}

/** Parses ISO 8601 text with a zone into epoch ms and the canonical UTC form. Never throws. */
export function parseIsoTime(text: string): ParsedTime {
  const m = text.length <= MAX_LENGTH ? ISO.exec(text) : null;
  if (!m) {
    return {
      ok: false,
      reason: `${quoteInput(text)} is not an ISO 8601 time with a zone (like 2026-11-27T10:00:00Z)`,
    };
  }
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const problem = fieldProblem(year, month, day, hour, minute, second);
  if (problem) return { ok: false, reason: `${quoteInput(text)} is not a real time: ${problem}` };
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const [oh, om] = [Number(m[10]), Number(m[11])];
    if (oh > 23 || om > 59)
      return { ok: false, reason: `${quoteInput(text)} has no real zone offset` };
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  // Years before 1969 are outside the window whatever the offset (and Date.UTC maps 0-99 to 19xx).
  if (year < 1969) return outsideWindow(quoteInput(text));
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
  if (ms < EARLIEST_TIME_MS || ms > LATEST_TIME_MS) return outsideWindow(quoteInput(text));
  const canonical = text.length === 24 && m[8] === 'Z' && m[7]?.length === 3;
  return { ok: true, ms, iso: canonical ? text : new Date(ms).toISOString() };
}

function fieldProblem(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): string | undefined {
  if (month < 1 || month > 12) return `there is no month ${month}`;
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) {
    return day === 29 && month === 2
      ? `${year} is not a leap year`
      : `${MONTHS[month - 1]} has ${days} days`;
  }
  if (hour > 23) return 'hours run from 00 to 23';
  if (minute > 59) return 'minutes run from 00 to 59';
  if (second > 59) return 'seconds run from 00 to 59 (leap seconds are not kept)';
  return undefined;
}

function fromEpochMs(ms: number): ParsedTime {
  if (!Number.isFinite(ms) || ms < EARLIEST_TIME_MS || ms > LATEST_TIME_MS) {
    return outsideWindow(`epoch milliseconds ${quoteInput(ms)}`);
  }
  // Sub-millisecond precision would be lost in the canonical form: refused, not truncated.
  if (!Number.isInteger(ms))
    return { ok: false, reason: `epoch milliseconds ${quoteInput(ms)} must be a whole number` };
  return { ok: true, ms: Math.trunc(ms), iso: new Date(ms).toISOString() };
}

function outsideWindow(what: string): ParsedTime {
  return { ok: false, reason: `${what} is outside the plausible window, ${WINDOW}` };
}

/**
 * The canonical UTC form of a time, or a TwinlogError naming the field. The code is
 * TIMESTAMP_IMPLAUSIBLE (422) for times in commands and readings; query parameters pass their
 * own 400 code.
 */
export function requireTime(
  input: unknown,
  field: string,
  options: { epochMs?: boolean; code?: ErrorCode; details?: Record<string, unknown> } = {},
): string {
  const parsed = parseTime(input, options);
  if (parsed.ok) return parsed.iso;
  throw new TwinlogError(options.code ?? 'TIMESTAMP_IMPLAUSIBLE', `${field}: ${parsed.reason}`, {
    ...options.details,
    field,
  });
}
