import { isTwinlogError } from '../errors';
import { at } from '../testing/fixtures';
import { parseEvent } from './parse-event';

const envelope = {
  id: 'evt-1',
  twinId: 'mill-1',
  revision: 3,
  occurredAt: at(10),
  recordedAt: at(11),
  correlationId: 'corr-1',
  causationId: null,
  producer: 'ingestion',
};

describe('reading events from a log', () => {
  it('validates a simulation summary and names a bad field', () => {
    const completed = {
      ...envelope,
      type: 'SimulationCompleted',
      schemaVersion: 1,
      data: {
        simulationId: 'sim-1',
        riskLevel: 'medium',
        firstLimit: null,
        crossings: [],
        crossingProbabilities: [{ property: 'temperature', level: 'alarm', probability: 0.25 }],
        calibration: [{ group: 'thermal', status: 'default', points: 3, rmse: null }],
        recommendations: [],
      },
    };
    expect(parseEvent(completed).type).toBe('SimulationCompleted');
    const bad = { ...completed, data: { ...completed.data, riskLevel: 'dire' } };
    expect(() => parseEvent(bad)).toThrow(/SimulationCompleted payload invalid: riskLevel/);
  });

  it('reads an AnomalyEscalated and refuses one with a severity it does not know', () => {
    const escalated = {
      ...envelope,
      id: 'tool-1:tool_wear:limits:r-5/escalated/critical',
      producer: 'anomaly',
      type: 'AnomalyEscalated',
      schemaVersion: 1,
      data: {
        episodeId: 'tool-1:tool_wear:limits:r-5',
        detector: 'limits',
        severity: 'critical',
        score: 0.95,
        evidence: [{ property: 'tool_wear', observed: 0.45, expectedHigh: 0.2 }],
      },
    };
    expect(parseEvent(escalated)).toEqual(escalated);
    const dire = { ...escalated, data: { ...escalated.data, severity: 'dire' } };
    expect(() => parseEvent(dire)).toThrow(/AnomalyEscalated payload invalid: severity/);
    const over = { ...escalated, data: { ...escalated.data, score: 1.5 } };
    expect(() => parseEvent(over)).toThrow(/AnomalyEscalated payload invalid: score/);
  });

  it('upcasts a TelemetryReported v1 (one reading, timed by the envelope) to v2 (a batch of readings)', () => {
    const v1 = {
      ...envelope,
      type: 'TelemetryReported',
      schemaVersion: 1,
      data: { property: 'temperature', value: 41.5, unit: '°C' },
    };
    expect(parseEvent(v1)).toEqual({
      ...envelope,
      type: 'TelemetryReported',
      schemaVersion: 2,
      data: {
        readings: [
          {
            readingId: 'evt-1/0',
            property: 'temperature',
            value: 41.5,
            unit: '°C',
            occurredAt: at(10),
          },
        ],
      },
    });
  });

  it('keeps a v1 reading id when it had one', () => {
    const v1 = {
      ...envelope,
      type: 'TelemetryReported',
      schemaVersion: 1,
      data: { property: 't', value: 1, unit: 'x', readingId: 'r-9' },
    };
    const parsed = parseEvent(v1);
    expect(parsed.type === 'TelemetryReported' && parsed.data.readings[0]?.readingId).toBe('r-9');
  });

  it('upcasts a MaintenancePredicted v1 (health as a fraction, "urgent") to v2 (0-100, "critical")', () => {
    const v1 = {
      ...envelope,
      type: 'MaintenancePredicted',
      schemaVersion: 1,
      data: {
        healthIndex: 0.35,
        rulHours: 12,
        rulLowHours: 8,
        rulHighHours: 20,
        basis: 'tool_wear',
        model: 'wear-trend',
        priority: 'urgent',
        window: { from: at(40), to: at(44) },
      },
    };
    const parsed = parseEvent(v1);
    expect(parsed).toMatchObject({
      schemaVersion: 2,
      data: { healthIndex: 35, priority: 'critical', rulHours: 12 },
    });
    const v2 = { ...v1, schemaVersion: 2, data: { ...v1.data, healthIndex: 135 } };
    expect(() => parseEvent(v2)).toThrow(/MaintenancePredicted payload invalid: healthIndex/);
  });

  it.each([
    [
      'a missing envelope field',
      {
        ...envelope,
        twinId: undefined,
        type: 'TwinRetired',
        schemaVersion: 1,
        data: { reason: 'x' },
      },
      /twinId/,
    ],
    [
      'an unknown type',
      { ...envelope, type: 'TwinExploded', schemaVersion: 1, data: {} },
      /Unknown event type "TwinExploded"/,
    ],
    [
      'a bad payload',
      {
        ...envelope,
        type: 'TelemetryReported',
        schemaVersion: 2,
        data: { readings: [{ property: 't', value: 'hot' }] },
      },
      /readings\.0/,
    ],
    [
      'a NaN value',
      {
        ...envelope,
        type: 'TelemetryReported',
        schemaVersion: 2,
        data: {
          readings: [
            { readingId: 'r', property: 't', value: Number.NaN, unit: 'x', occurredAt: at(1) },
          ],
        },
      },
      /readings\.0\.value.*NaN/,
    ],
    ['not an object', 'garbage', /envelope invalid/],
  ])('rejects %s with a reason that names it', (_label, raw, reason) => {
    expect(() => parseEvent(raw)).toThrow(reason);
    try {
      parseEvent(raw);
    } catch (error) {
      expect(isTwinlogError(error, 'EVENT_INVALID')).toBe(true);
    }
  });

  it('refuses an event from a newer schema than it understands', () => {
    expect(() =>
      parseEvent({ ...envelope, type: 'TwinRetired', schemaVersion: 9, data: { reason: 'x' } }),
    ).toThrow(/newer than this build/);
  });
});
