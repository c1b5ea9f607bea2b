import { z } from 'zod';
import { HttpProblem } from './http-problem';
import { orderedRange, parseQuery, q } from './query-params';

const schema = z
  .object({
    at: q.time().optional(),
    from: q.time().optional(),
    to: q.time().optional(),
    limit: q.int(1, 100).default(10),
    async: q.bool().optional(),
    by: q.oneOf(['event', 'record']).default('event'),
    types: q.listOf(['A', 'B']).optional(),
  })
  .superRefine(orderedRange());

function refusal(raw: Record<string, unknown>): { parameter: unknown; message: string } {
  try {
    parseQuery(schema, raw);
  } catch (error) {
    expect(error).toBeInstanceOf(HttpProblem);
    const problem = error as HttpProblem;
    expect([problem.status, problem.code]).toEqual([400, 'QUERY_INVALID']);
    return { parameter: problem.details['parameter'], message: problem.message };
  }
  throw new Error(`accepted ${JSON.stringify(raw)}`);
}

describe('query parameters, the one way', () => {
  it('parses and defaults what is well formed', () => {
    expect(
      parseQuery(schema, { at: '2026-11-30T23:30:00+01:00', async: 'true', types: 'B,A' }),
    ).toEqual({
      at: '2026-11-30T22:30:00.000Z',
      limit: 10,
      async: true,
      by: 'event',
      types: ['B', 'A'],
    });
  });

  it.each([
    [{ colour: 'red' }, 'colour'],
    [JSON.parse('{"__proto__": "x"}'), '__proto__'],
    [{ constructor: 'x' }, 'constructor'],
    [{ limit: ['1', '2'] }, 'limit'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '-1' }, 'limit'],
    [{ limit: '1.5' }, 'limit'],
    [{ limit: '1e3' }, 'limit'],
    [{ limit: '' }, 'limit'],
    [{ async: 'maybe' }, 'async'],
    [{ async: 'TRUE' }, 'async'],
    [{ by: 'wallclock' }, 'by'],
    [{ types: 'A,A' }, 'types'],
    [{ types: 'A,,B' }, 'types'],
    [{ at: '2026-11-31T00:30:00Z' }, 'at'],
    [{ at: '2026-02-29T00:00:00Z' }, 'at'],
    [{ at: '2026-01-01T24:00:00Z' }, 'at'],
    [{ at: '2026-01-01T00:00:00' }, 'at'],
    [{ at: '1e20' }, 'at'],
    [{ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'from'],
    [{ from: '2026-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'from'],
  ])('refuses %j naming %s', (raw, parameter) => {
    const { parameter: named, message } = refusal(raw);
    expect(named).toBe(parameter);
    expect(message).toContain(parameter);
  });

  it('reads times with the domain parser: impossible dates refused, others in canonical UTC', () => {
    const schema = z.object({ at: q.time().optional() });
    expect(parseQuery(schema, { at: '2028-02-29T12:00:00+01:00' })).toEqual({
      at: '2028-02-29T11:00:00.000Z',
    });
    for (const at of ['2026-02-29T12:00:00Z', '2026-04-31T00:00:00Z', '2026-01-01T24:00:00Z']) {
      expect(() => parseQuery(schema, { at })).toThrow(/at/);
    }
  });
});
