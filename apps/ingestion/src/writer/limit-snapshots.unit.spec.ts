import type { EventEnvelope } from '@twinlog/domain';
import { limitPoint } from '@twinlog/telemetry-store';
import { boundsOf, limitSnapshots } from './limit-snapshots';

const meta = (type: string, revision: number, data: unknown) =>
  ({
    id: `e-${revision}`,
    twinId: 'cnc-1',
    type,
    revision,
    schemaVersion: 1,
    occurredAt: '2026-11-02T08:00:00.000Z',
    recordedAt: '2026-11-02T08:00:00.000Z',
    correlationId: 'c',
    causationId: null,
    producer: 'twin-state',
    data,
  }) as unknown as EventEnvelope;

describe('limit snapshots of twin events', () => {
  it('names each bound by level and side, leaving out the ones not set', () => {
    expect(boundsOf({ normal: { low: 15, high: 65 }, alarm: { high: 85 }, warning: {} })).toEqual({
      normal_low: 15,
      normal_high: 65,
      alarm_high: 85,
    });
    expect(boundsOf({})).toEqual({});
  });

  it('takes a snapshot per property at registration and model change, one per LimitsChanged', () => {
    const events = [
      meta('TwinRegistered', 1, {
        site: 'plant-a',
        limits: { temperature: { alarm: { high: 85 } }, power_consumption: {} },
      }),
      meta('TelemetryReported', 2, { readings: [] }),
      meta('LimitsChanged', 3, { property: 'temperature', limits: { alarm: { high: 80 } } }),
      meta('ModelVersionChanged', 4, { from: 1, to: 2, limits: { temperature: {} } }),
    ];
    // The directory does not know the twin yet: its registration in the batch names the site.
    const snapshots = limitSnapshots(events, () => undefined);
    expect(snapshots.map((s) => [s.revision, s.property, s.bounds, s.site])).toEqual([
      [1, 'temperature', { alarm_high: 85 }, 'plant-a'],
      [1, 'power_consumption', {}, 'plant-a'],
      [3, 'temperature', { alarm_high: 80 }, 'plant-a'],
      [4, 'temperature', {}, 'plant-a'],
    ]);
  });

  it('waits for the directory to know a twin before writing its change (retried)', () => {
    const change = meta('LimitsChanged', 3, { property: 't', limits: {} });
    expect(() => limitSnapshots([change], () => undefined)).toThrow(/not in the directory yet/);
  });

  it('writes a point per snapshot: every bound a field, their count, the revision in nanoseconds', () => {
    const line = limitPoint({
      twinId: 'cnc 1,x',
      site: null,
      property: 'temperature',
      bounds: { alarm_high: 80 },
      time: '2026-11-02T08:00:00.000Z',
      revision: 7,
    }).toLineProtocol();
    expect(line).toBe(
      `twin_limits,property=temperature,twin_id=cnc\\ 1\\,x alarm_high=80,bounds=1 ${Date.parse('2026-11-02T08:00:00.000Z')}000007`,
    );
  });
});
