import { downsampleFlux, windowsOf, type AggregateRow } from './flux-downsample';

const query = (twinIds: string[], properties: string[]) => ({
  twinIds,
  properties,
  from: '2026-11-01T00:00:30.000Z',
  to: '2026-11-01T00:03:00.000Z',
  everyMs: 60_000,
});

describe('the Flux of a downsampled read', () => {
  it('never holds a caller value in its text: they travel as string literals in extern', () => {
    const hostile = 'm") |> drop() //';
    const asked = query([hostile, 'm-2'], ['temperature', 'vibration']);
    const { query: text, extern } = downsampleFlux('telemetry', asked);
    for (const value of [
      hostile,
      'm-2',
      'temperature',
      'vibration',
      'telemetry',
      asked.from,
      '60s',
    ])
      expect(text).not.toContain(value);
    expect(text).toBe(downsampleFlux('other', query(['a', 'b'], ['c', 'd'])).query);
    const literals = JSON.stringify(extern);
    expect(literals).toContain(JSON.stringify({ type: 'StringLiteral', value: hostile }));
    expect(literals).toContain(JSON.stringify({ type: 'StringLiteral', value: '60s' }));
    expect(text.match(/aggregateWindow/g)).toHaveLength(5);
    expect(text).toContain('r.twin_id == params.t0 or r.twin_id == params.t1');
  });

  it('gathers the five results into windows labelled with their epoch-aligned start', () => {
    const asked = query(['m-1'], ['temperature', 'vibration']);
    // Flux labels the first window with `from` (00:00:30), the others with their start.
    const rows: AggregateRow[] = [
      ['mean', 2],
      ['min', 1],
      ['max', 3],
      ['last', 3],
      ['count', 2],
    ].flatMap(([result, value]) => [
      {
        result: String(result),
        time: '2026-11-01T00:00:30Z',
        twinId: 'm-1',
        property: 'temperature',
        value: Number(value),
      },
      {
        result: String(result),
        time: '2026-11-01T00:02:00Z',
        twinId: 'm-1',
        property: 'temperature',
        value: Number(value),
      },
    ]);
    expect(windowsOf(asked, rows)).toEqual([
      {
        twinId: 'm-1',
        property: 'temperature',
        windows: [
          { start: '2026-11-01T00:00:00.000Z', mean: 2, min: 1, max: 3, last: 3, count: 2 },
          { start: '2026-11-01T00:02:00.000Z', mean: 2, min: 1, max: 3, last: 3, count: 2 },
        ],
      },
      { twinId: 'm-1', property: 'vibration', windows: [] },
    ]);
  });

  it('refuses an answer missing an aggregate rather than inventing one', () => {
    const rows: AggregateRow[] = [
      {
        result: 'mean',
        time: '2026-11-01T00:01:00Z',
        twinId: 'm-1',
        property: 'temperature',
        value: 1,
      },
    ];
    expect(() => windowsOf(query(['m-1'], ['temperature']), rows)).toThrow(
      /without min, max, last, count/,
    );
  });
});
