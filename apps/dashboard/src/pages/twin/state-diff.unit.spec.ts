import { diffLines, valueText } from './state-diff';

describe('what changed since a moment, in words', () => {
  it('says added, removed and changed values, sorted, without bookkeeping', () => {
    const lines = diffLines([
      {
        path: 'reported.temperature',
        before: { value: 41.234567, unit: '°C', occurredAt: 'x' },
        after: { value: 44, unit: '°C', occurredAt: 'y' },
      },
      { path: 'telemetryRevision', before: 3, after: 90 },
      { path: 'activeAnomalies.e1', before: null, after: { detector: 'zscore' } },
      { path: 'lastMaintenance', before: { kind: 'repair' }, after: null },
      { path: 'revision', before: 4, after: 6 },
    ]);
    expect(lines.map((l) => [l.kind, l.text])).toEqual([
      ['added', 'activeAnomalies.e1: added, now {"detector":"zscore"}'],
      ['removed', 'lastMaintenance: removed (was {"kind":"repair"})'],
      ['changed', 'reported.temperature: 41.23 °C → 44 °C'],
      ['changed', 'revision: 4 → 6'],
    ]);
  });

  it('says when the twin did not exist yet, and shortens long values', () => {
    expect(diffLines([{ path: 'twin', before: null, after: { twinId: 'cnc-1' } }])[0]!.text).toBe(
      'The twin did not exist yet',
    );
    expect(valueText('x'.repeat(500)).length).toBe(80);
    expect(valueText({ big: 'y'.repeat(500) }).length).toBe(120);
    expect(valueText([])).toBe('none');
    expect(valueText(undefined)).toBe('—');
  });
});
