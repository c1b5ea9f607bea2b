import {
  initialTwinState,
  parseTwinModel,
  type EventEnvelope,
  type EventOfType,
  type TwinState,
} from '@twinlog/domain';
import {
  explanationFacts,
  FACT_LIMITS,
  modelledProperties,
  statisticsRange,
} from './explanation-facts';

const model = parseTwinModel(
  `type: mill
version: 1
level: asset
properties:
  temperature: { unit: °C, limits: { normal: { high: 60 }, alarm: { high: 80 } } }`,
  'mill.yaml',
);
const twin = (twinId: string, extra: Partial<TwinState> = {}): TwinState => ({
  ...initialTwinState(twinId),
  status: 'active',
  twinType: 'mill',
  modelVersion: 1,
  level: 'asset',
  site: 'plant-a',
  name: `Mill ${twinId}`,
  ...extra,
});
const detected: EventEnvelope<EventOfType<'AnomalyDetected'>> = {
  id: 'ep-1/detected',
  twinId: 'mill-1',
  revision: 4,
  schemaVersion: 1,
  occurredAt: '2026-01-01T12:07:00.000Z',
  recordedAt: '2026-01-01T12:07:01.000Z',
  correlationId: 'c',
  causationId: null,
  producer: 'anomaly/worker',
  type: 'AnomalyDetected',
  data: {
    episodeId: 'ep-1',
    detector: 'zscore',
    properties: ['temperature', 'not-in-model'],
    score: 0.87,
    severity: 'alarm',
    evidence: [{ property: 'temperature', observed: 91, expected: 58 }],
  },
};

describe('the facts of an explanation', () => {
  it('reads statistics from the hour before the detection to an hour after, whole windows', () => {
    expect(statisticsRange(detected.occurredAt, undefined, '2026-01-02T00:00:00Z')).toEqual({
      from: '2026-01-01T11:00:00.000Z',
      to: '2026-01-01T13:10:00.000Z',
    });
    // Cleared soon after: a window past the clearing; detected just now: a window at least.
    expect(
      statisticsRange(detected.occurredAt, '2026-01-01T12:15:00Z', '2026-01-02T00:00:00Z').to,
    ).toBe('2026-01-01T12:30:00.000Z');
    expect(statisticsRange(detected.occurredAt, undefined, detected.occurredAt).to).toBe(
      '2026-01-01T12:20:00.000Z',
    );
  });

  it("asks statistics only of the properties the twin's model has", () => {
    expect(modelledProperties(['temperature', 'not-in-model', 'temperature'], model)).toEqual([
      'temperature',
    ]);
    expect(modelledProperties(['__proto__', 'constructor'], model)).toEqual([]);
    expect(modelledProperties(['temperature'], undefined)).toEqual([]);
  });

  it("holds the evidence, the model's limits (the twin's own first), the hierarchy and related anomalies", () => {
    const mill = twin('mill-1', {
      parentId: 'line-1',
      limits: { temperature: { alarm: { high: 75 } } },
    });
    const line = twin('line-1', { level: 'system', twinType: 'line', children: [] });
    const siblings = Array.from({ length: 30 }, (_, i) => twin(`mill-${i + 2}`));
    const facts = explanationFacts({
      detected,
      cleared: undefined,
      twin: mill,
      model,
      statistics: {
        from: 'a',
        to: 'b',
        everyMs: 600_000,
        series: [{ property: 'temperature', unit: '°C', windows: [] }],
      },
      ancestors: [line],
      parent: line,
      siblings,
      related: [
        {
          episodeId: 'ep-1',
          twinId: 'mill-1',
          detector: 'zscore',
          properties: ['temperature'],
          severity: 'alarm',
          detectedAt: detected.occurredAt,
          clearedAt: null,
        },
        {
          episodeId: 'ep-l',
          twinId: 'line-1',
          detector: 'band',
          properties: ['throughput'],
          severity: 'warning',
          detectedAt: detected.occurredAt,
          clearedAt: null,
        },
      ],
    });
    expect(facts).toMatchObject({
      anomaly: { episodeId: 'ep-1', score: 0.87, evidence: detected.data.evidence, open: true },
      twin: { twinId: 'mill-1', name: 'Mill mill-1', site: 'plant-a' },
      model: {
        properties: {
          temperature: { unit: '°C', limits: { alarm: { high: 75 } } },
          'not-in-model': { unit: null, limits: {} },
        },
      },
      recentStatistics: { windowSeconds: 600, series: [{ property: 'temperature' }] },
      hierarchy: { parent: { twinId: 'line-1' }, siblingCount: 30 },
      relatedAnomalies: [{ twinId: 'line-1', relation: 'parent' }],
    });
    expect((facts.hierarchy as { siblings: unknown[] }).siblings).toHaveLength(
      FACT_LIMITS.siblings,
    );
    // The episode itself is not its own relative.
    expect(facts.relatedAnomalies).toHaveLength(1);
  });
});
