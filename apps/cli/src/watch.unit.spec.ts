import { describeChange } from './commands/watch.command';

const base = {
  twinId: 'cnc-01',
  site: 'plant-a',
  eventId: 'e1',
  revision: 3,
  occurredAt: '2026-12-06T10:00:00.000Z',
  recordedAt: '2026-12-06T10:00:00.100Z',
};

describe('twinlog watch, a change in plain words', () => {
  it('lists the readings folded into the twin, without a unit of 1', () => {
    const line = describeChange({
      id: '1_2',
      type: 'state-changed',
      data: {
        ...base,
        event: 'TelemetryReported',
        data: {
          readings: [
            { property: 'temperature', value: 41.23456789, unit: '°C' },
            { property: 'tool_wear', value: 0.4, unit: '1' },
          ],
        },
      },
    });
    expect(line).toBe(
      '2026-12-06 10:00:00  cnc-01           temperature 41.2346 °C, tool_wear 0.4',
    );
  });

  it('says an anomaly opened, with its severity, detector and properties', () => {
    const line = describeChange({
      id: '1_2',
      type: 'anomaly-opened',
      data: {
        ...base,
        event: 'AnomalyDetected',
        data: { severity: 'alarm', detector: 'range', properties: ['temperature'], score: 0.9 },
      },
    });
    expect(line).toContain('ANOMALY alarm: range on temperature (score 0.90)');
  });

  it('says an open anomaly was raised, to which severity', () => {
    const line = describeChange({
      id: '1_3',
      type: 'anomaly-raised',
      data: {
        ...base,
        event: 'AnomalyEscalated',
        data: { episodeId: 'ep-1', severity: 'critical', detector: 'limits', score: 0.95 },
      },
    });
    expect(line).toBe(
      '2026-12-06 10:00:00  cnc-01           anomaly raised to critical: limits (score 0.95, episode ep-1)',
    );
  });
});
