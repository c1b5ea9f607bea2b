import fc from 'fast-check';
import { isTwinlogError } from '../errors';
import { daysInMonth, LATEST_TIME_MS, parseIsoTime, parseTime, requireTime } from './parse-time';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

describe('the one strict time parser', () => {
  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.string(), fc.double()), fc.boolean(), (x, epochMs) => {
        const parsed = parseTime(x, { epochMs });
        if (parsed.ok) expect(Number.isFinite(parsed.ms)).toBe(true);
        else expect(parsed.reason.length).toBeLessThan(200);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on strings shaped like times, and agrees with Date on every one it accepts', () => {
    const digits = (n: number) =>
      fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
    const timeLike = fc
      .tuple(
        fc.oneof(digits(4), digits(5), fc.constant('+275760')),
        digits(2),
        digits(2),
        digits(2),
        digits(2),
        digits(2),
        fc.constantFrom('', '.5', '.123', '.123456789'),
        fc.constantFrom('Z', '+01:00', '-13:30', '+0530', '+24:00', 'z', ''),
      )
      .map(([y, mo, d, h, mi, s, f, z]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${f}${z}`);
    fc.assert(
      fc.property(timeLike, (text) => {
        const parsed = parseIsoTime(text);
        if (parsed.ok) {
          expect(parsed.ms).toBe(Date.parse(parsed.iso));
          expect(parsed.iso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips every instant of the window in canonical form', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: LATEST_TIME_MS }), (ms) => {
        const iso = new Date(ms).toISOString();
        expect(parseIsoTime(iso)).toEqual({ ok: true, ms, iso });
        expect(parseTime(ms, { epochMs: true })).toEqual({ ok: true, ms, iso });
      }),
    );
  });

  it('accepts every real calendar date, with any zone offset, as the same instant', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1970, max: 9998 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (year, month, dayWish, hour, minute, offset) => {
          const day = Math.min(dayWish, daysInMonth(year, month));
          const sign = offset < 0 ? '-' : '+';
          const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
          const text = `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:07${zone}`;
          const parsed = parseIsoTime(text);
          const expected = Date.UTC(year, month - 1, day, hour, minute, 7) - offset * 60_000;
          if (year === 1970 && expected < 0) expect(parsed.ok).toBe(false);
          else expect(parsed).toMatchObject({ ok: true, ms: expected });
        },
      ),
    );
  });

  it.each([
    ['30 February', '2026-02-30T00:00:00Z', 'February has 28 days'],
    ['29 February of a common year', '2026-02-29T00:00:00Z', 'not a leap year'],
    ['29 February 2100 (not a leap year)', '2100-02-29T00:00:00Z', 'not a leap year'],
    ['31 November', '2026-11-31T00:30:00Z', 'November has 30 days'],
    ['day 0', '2026-11-00T00:00:00Z', 'November has 30 days'],
    ['month 13', '2026-13-01T00:00:00Z', 'no month 13'],
    ['hour 25', '2026-11-27T25:00:00Z', 'hours'],
    ['hour 24', '2026-11-27T24:00:00Z', 'hours'],
    ['minute 60', '2026-11-27T23:60:00Z', 'minutes'],
    ['a leap second', '2016-12-31T23:59:60Z', 'leap seconds'],
    ['an offset of 24 h', '2026-11-27T10:00:00+24:00', 'zone offset'],
    ['no zone', '2026-11-27T10:00:00', 'ISO 8601'],
    ['a date only', '2026-11-27', 'ISO 8601'],
    ['a five-digit year', '12026-11-27T10:00:00Z', 'ISO 8601'],
    ['year 275760', '+275760-09-13T00:00:00.000Z', 'ISO 8601'],
    ['a year before 1970', '1969-12-31T23:59:59Z', 'plausible window'],
    ['Date.parse prose', 'Nov 27 2026 10:00:00 Z', 'ISO 8601'],
  ])('refuses %s', (_label, text, why) => {
    const parsed = parseIsoTime(text);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toContain(why);
  });

  it('accepts 29 February of leap years, basic offsets and short or long fractions', () => {
    expect(parseIsoTime('2028-02-29T12:00:00Z').ok).toBe(true);
    expect(parseIsoTime('2000-02-29T12:00:00Z').ok).toBe(true);
    expect(parseIsoTime('2026-11-27T11:00+0100')).toMatchObject({
      iso: '2026-11-27T10:00:00.000Z',
    });
    expect(parseIsoTime('2026-11-27T10:00:00.123456789Z')).toMatchObject({
      iso: '2026-11-27T10:00:00.123Z',
    });
  });

  it.each([1e20, -1e20, Number.NaN, Infinity, -1, 8.64e15 + 1, 1767225600000.5])(
    'refuses epoch milliseconds %p without a RangeError',
    (ms) => {
      expect(parseTime(ms, { epochMs: true }).ok).toBe(false);
      expect(parseTime(ms).ok).toBe(false); // numbers only where a caller allows them
    },
  );

  it('throws a TwinlogError naming the field, with a short plain message', () => {
    let thrown: unknown;
    try {
      requireTime(`2026-11-31T00:30:00Z${'x'.repeat(5000)}`, 'commissionedAt');
    } catch (error) {
      thrown = error;
    }
    expect(isTwinlogError(thrown, 'TIMESTAMP_IMPLAUSIBLE')).toBe(true);
    expect((thrown as Error).message.length).toBeLessThan(200);
    expect((thrown as Error).message).toMatch(/^commissionedAt: /);
    expect((thrown as Error).message).not.toMatch(/\\d|\[0-9]/);
  });
});
