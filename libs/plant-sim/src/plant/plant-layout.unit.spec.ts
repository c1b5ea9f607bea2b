import { plantLayout, plantRegistrations } from './plant-layout';

describe('plant layout', () => {
  it('names a line of machines and their components deterministically', () => {
    const layout = plantLayout(3);
    expect(layout.lineId).toBe('line-1');
    expect(layout.machines.map((m) => m.machine)).toEqual(['cnc-01', 'cnc-02', 'cnc-03']);
    expect(layout.machines[0]).toEqual({
      machine: 'cnc-01',
      spindle: 'cnc-01-spindle',
      tool: 'cnc-01-tool',
      coolant: 'cnc-01-coolant',
    });
    expect(plantLayout(120).machines[119]!.machine).toBe('cnc-120');
    expect(plantLayout(120).machines[0]!.machine).toBe('cnc-001');
  });

  it('registers every twin after its parent', () => {
    const registrations = plantRegistrations(plantLayout(2, 'site-a'), '2026-01-01T00:00:00.000Z');
    expect(registrations).toHaveLength(2 + 2 * 4);
    // The machining process is the top of the tree, the line under it.
    expect(registrations.slice(0, 2)).toEqual([
      expect.objectContaining({ twinId: 'machining-1', twinType: 'machining-process' }),
      expect.objectContaining({ twinId: 'line-1', parentId: 'machining-1' }),
    ]);
    expect(registrations[0]!.parentId).toBeUndefined();
    const seen = new Set<string>();
    for (const r of registrations) {
      if (r.parentId) expect(seen.has(r.parentId)).toBe(true);
      seen.add(r.twinId);
      expect(r.site).toBe('site-a');
    }
    expect(registrations.find((r) => r.twinId === 'cnc-02-coolant')).toMatchObject({
      twinType: 'coolant-pump',
      parentId: 'cnc-02',
    });
  });

  it('refuses a plant without machines', () => {
    expect(() => plantLayout(0)).toThrow(expect.objectContaining({ code: 'OPTIONS_INVALID' }));
    expect(() => plantLayout(2.5)).toThrow(expect.objectContaining({ code: 'OPTIONS_INVALID' }));
  });
});
