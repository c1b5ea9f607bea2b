import {
  agoText,
  clampMoment,
  commitMove,
  momentAt,
  positionOf,
  SLIDER_STEPS,
  sliderSpan,
} from './time-slider';

const REG = Date.parse('2026-12-01T00:00:00Z');
const NOW = Date.parse('2026-12-06T00:00:00Z');

describe('the time slider', () => {
  it('spans the registration to now, and a day when the registration is unknown or odd', () => {
    expect(sliderSpan('2026-12-01T00:00:00Z', NOW)).toEqual({ startMs: REG, endMs: NOW });
    expect(sliderSpan(null, NOW)).toEqual({ startMs: NOW - 86_400_000, endMs: NOW });
    expect(sliderSpan('2027-01-01T00:00:00Z', NOW).startMs).toBe(NOW - 86_400_000);
  });

  it('maps positions to whole-second moments and back, clamped', () => {
    const span = { startMs: REG, endMs: NOW };
    expect(momentAt(span, 0)).toBe(REG);
    expect(momentAt(span, SLIDER_STEPS)).toBe(NOW);
    expect(momentAt(span, 500)).toBe(REG + (NOW - REG) / 2);
    expect(momentAt(span, -5)).toBe(REG);
    expect(momentAt(span, NaN)).toBe(NOW);
    expect(momentAt(span, 123) % 1000).toBe(0);
    for (const p of [0, 1, 250, 999, 1000]) expect(positionOf(span, momentAt(span, p))).toBe(p);
    expect(positionOf(span, NOW + 1e9)).toBe(SLIDER_STEPS);
  });

  it('keeps a shared moment within the span', () => {
    const span = { startMs: REG, endMs: NOW };
    expect(clampMoment(span, NOW + 5)).toBe(NOW);
    expect(clampMoment(span, 0)).toBe(REG);
    expect(clampMoment(span, undefined)).toBeUndefined();
  });

  it('says how long ago in words', () => {
    expect(agoText(NOW - (3 * 3600 + 12 * 60) * 1000, NOW)).toBe('3 h 12 min');
    expect(agoText(NOW - 2 * 86_400_000 - 5 * 3_600_000 - 60_000, NOW)).toBe('2 d 5 h');
    expect(agoText(NOW - 10_000, NOW)).toBe('less than a minute');
  });

  it('a committed move keeps the moment shown and redraws the span and the comparison to now (review 21 item 7)', () => {
    const drawn = { startMs: REG, endMs: NOW };
    const later = NOW + 3_600_000; // the page stayed open an hour
    const moved = commitMove(drawn, 500, '2026-12-01T00:00:00Z', later);
    expect(moved.atMs).toBe(momentAt(drawn, 500));
    expect(moved.span).toEqual({ startMs: REG, endMs: later });
    expect(moved.toMs).toBe(later);
    // The end of the slider is live, whenever it is committed.
    expect(commitMove(drawn, SLIDER_STEPS, null, later).atMs).toBeUndefined();
    // After the commit the slider reaches the minutes since the page opened.
    expect(momentAt(moved.span, SLIDER_STEPS)).toBe(later);
  });
});
