import { historyStep, HISTORY_RUN_MS, hrefOf, matchRoute, placeOf } from './url-state';

const routes = [
  { pattern: '/', page: 'overview' },
  { pattern: '/twins/:twinId', page: 'twin' },
  { pattern: '/alerts', page: 'alerts' },
];

describe('URL state', () => {
  it('matches pages and decodes their parameters', () => {
    expect(matchRoute(routes, '/')).toEqual({ page: 'overview', params: {} });
    expect(matchRoute(routes, '/twins/line%2F1')).toEqual({
      page: 'twin',
      params: { twinId: 'line/1' },
    });
    expect(matchRoute(routes, '/twins/')).toBeUndefined();
    expect(matchRoute(routes, '/twins/a/b')).toBeUndefined();
    expect(matchRoute(routes, '/twins/%E0%A4%A')).toBeUndefined();
  });

  it('keeps object built-in names as plain parameters', () => {
    expect(matchRoute(routes, '/twins/__proto__')?.params.twinId).toBe('__proto__');
    expect(placeOf('/', '?constructor=1&q=a').query.constructor).toBe('1');
  });

  it('writes only the query values that are set', () => {
    expect(hrefOf('/', { q: 'press', type: undefined, site: '' })).toBe('/?q=press');
    expect(hrefOf('/twins/x', {})).toBe('/twins/x');
  });

  it('gives each committed move a history entry of its own, a quick run of them one (review 21 item 7)', () => {
    expect(historyStep(undefined, 5_000)).toBe('push');
    expect(historyStep(5_000, 5_000 + HISTORY_RUN_MS)).toBe('push');
    expect(historyStep(5_000, 5_400)).toBe('replace');
    expect(historyStep(5_000, 4_000)).toBe('push'); // the clock went back: a new entry
  });
});
