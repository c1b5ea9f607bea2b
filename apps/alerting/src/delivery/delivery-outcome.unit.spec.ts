import {
  jitterFrom,
  MAX_RETRY_AFTER_SECONDS,
  outcomeOfHttpStatus,
  retryAfterSeconds,
} from './delivery-outcome';

const now = new Date('2026-12-06T10:00:00.000Z');

describe('classifying an HTTP answer', () => {
  it.each([
    [200, { ok: true }],
    [201, { ok: true }],
    [204, { ok: true }],
    [301, { ok: false, permanent: true }],
    [302, { ok: false, permanent: true }],
    [307, { ok: false, permanent: true }],
    [400, { ok: false, permanent: true }],
    [401, { ok: false, permanent: true }],
    [403, { ok: false, permanent: true }],
    [404, { ok: false, permanent: true }],
    [408, { ok: false, permanent: false }],
    [410, { ok: false, permanent: true }],
    [413, { ok: false, permanent: true }],
    [422, { ok: false, permanent: true }],
    [429, { ok: false, permanent: false }],
    [500, { ok: false, permanent: false }],
    [502, { ok: false, permanent: false }],
    [503, { ok: false, permanent: false }],
    [504, { ok: false, permanent: false }],
  ])('%i → %j', (status, expected) => {
    expect(outcomeOfHttpStatus(status, null, now)).toMatchObject({ ...expected, status });
  });

  it('honours Retry-After on 408, 429 and 503, not on other answers', () => {
    expect(outcomeOfHttpStatus(429, '7', now)).toMatchObject({ retryAfterSeconds: 7 });
    expect(outcomeOfHttpStatus(408, '3', now)).toMatchObject({ retryAfterSeconds: 3 });
    expect(outcomeOfHttpStatus(503, 'Sun, 06 Dec 2026 10:01:00 GMT', now)).toMatchObject({
      retryAfterSeconds: 60,
    });
    expect(outcomeOfHttpStatus(500, '7', now)).not.toHaveProperty('retryAfterSeconds');
    expect(outcomeOfHttpStatus(410, '7', now)).not.toHaveProperty('retryAfterSeconds');
  });

  it('says the status alone, never the answer; a redirect says it was not followed', () => {
    expect(outcomeOfHttpStatus(404, null, now)).toMatchObject({ error: 'HTTP 404' });
    expect(outcomeOfHttpStatus(302, null, now)).toMatchObject({
      error: 'HTTP 302: redirects are not followed',
    });
  });
});

describe('Retry-After', () => {
  it.each([
    ['0', 0],
    ['120', 120],
    ['99999999', MAX_RETRY_AFTER_SECONDS],
    ['Sun, 06 Dec 2026 10:00:30 GMT', 30],
    ['Sunday, 06-Dec-26 10:00:30 GMT', 30],
    ['Sun, 06 Dec 2026 09:00:00 GMT', 0],
    ['Fri, 31 Dec 9999 23:59:59 GMT', MAX_RETRY_AFTER_SECONDS],
  ])('%j → %i s', (value, seconds) => {
    expect(retryAfterSeconds(value, now)).toBe(seconds);
  });

  it.each([
    null,
    '',
    '-5',
    '1.5',
    'soon',
    '1e308',
    'NaN',
    'Sun, 99 Foo 2026 99:99:99 GMT',
    '__proto__',
  ])('%j → none', (value) => {
    expect(retryAfterSeconds(value, now)).toBeUndefined();
  });
});

describe('the jitter handed to the backoff', () => {
  it('is in [0, 1) whatever the random source gives', () => {
    for (const r of [0, 0.25, 0.999999, 1, 1.5, -0.1, Number.NaN, Infinity, -Infinity]) {
      const jitter = jitterFrom(() => r);
      expect(jitter).toBeGreaterThanOrEqual(0);
      expect(jitter).toBeLessThan(1);
    }
    expect(jitterFrom(() => 0.25)).toBe(0.25);
  });
});
