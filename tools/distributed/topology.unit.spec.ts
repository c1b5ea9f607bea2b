import { localTopology } from './topology';

describe('the local distributed topology', () => {
  it('runs one twin-state by default, on the port after ingestion', () => {
    const twinStates = localTopology(8080).filter((p) => p.service === 'twin-state');
    expect(twinStates).toEqual([expect.objectContaining({ name: 'twin-state', port: 8082 })]);
    expect(twinStates[0]!.env).toBeUndefined();
  });

  it('runs replicas that share the partitions, each told its own URL, on ports no other process has', () => {
    const topology = localTopology(8080, 3);
    const twinStates = topology.filter((p) => p.service === 'twin-state');
    expect(twinStates.map((p) => [p.name, p.port])).toEqual([
      ['twin-state-1', 8082],
      ['twin-state-2', 8088],
      ['twin-state-3', 8089],
    ]);
    for (const p of twinStates) {
      expect(p.env).toEqual({ TWIN_STATE_REPLICAS: 'shared' });
      expect(p.advertise).toBe(true);
    }
    expect(new Set(topology.map((p) => p.port)).size).toBe(topology.length);
    // The gateway reaches the first twin-state (it forwards to the owners).
    expect(topology[0]!.name).toBe('twin-state-1');
  });
});
