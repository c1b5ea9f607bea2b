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
  relativesOf,
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
      children: 0,
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

  describe('the relatives it names', () => {
    // A company twin on site hq above two plants' lines; line-a (plant-a) holds mills of two sites.
    const plant = new Map<string, TwinState>();
    const put = (t: TwinState) => plant.set(t.twinId, t);
    const kids = (...ids: string[]) => ids.map((twinId) => ({ twinId, twinType: 'mill' }));
    put(twin('corp', { site: 'hq', level: 'system', children: kids('area-a') }));
    put(twin('area-a', { parentId: 'corp', level: 'system', children: kids('line-a') }));
    put(
      twin('line-a', {
        parentId: 'area-a',
        level: 'system',
        children: kids('mill-a1', 'mill-a2', 'mill-b1'),
      }),
    );
    put(twin('mill-a1', { parentId: 'line-a', children: kids('spindle-a', 'spindle-b') }));
    put(twin('mill-a2', { parentId: 'line-a' }));
    put(twin('mill-b1', { parentId: 'line-a', site: 'plant-b' }));
    put(twin('spindle-a', { parentId: 'mill-a1', level: 'component' }));
    put(twin('spindle-b', { parentId: 'mill-a1', level: 'component', site: 'plant-b' }));
    const lookup = (id: string) => plant.get(id);
    const ids = (list: TwinState[]) => list.map((t) => t.twinId);
    const everywhere = () => true;

    it("are only twins of the anomalous twin's own site, even for a caller of every site", () => {
      const r = relativesOf(plant.get('mill-a1')!, lookup, everywhere);
      expect(r.parent?.twinId).toBe('line-a');
      expect(ids(r.siblings)).toEqual(['mill-a2']);
      // The chain up stops at the first ancestor of another site.
      expect(ids(r.ancestors)).toEqual(['line-a', 'area-a']);
      expect(r.children).toBe(1);
      // The data block the model is sent names none of the other sites' twins.
      const facts = explanationFacts({
        detected,
        cleared: undefined,
        twin: plant.get('mill-a1')!,
        model,
        statistics: { from: 'a', to: 'b', everyMs: 600_000, series: [] },
        ...r,
        related: [],
      });
      const block = JSON.stringify(facts);
      expect(block).toContain('mill-a2');
      for (const other of ['corp', 'mill-b1', 'spindle-b']) expect(block).not.toContain(other);
    });

    it('and only those the caller may see', () => {
      const r = relativesOf(plant.get('mill-a1')!, lookup, (site) => site === 'plant-b');
      expect(r).toEqual({ parent: undefined, siblings: [], ancestors: [], children: 0 });
    });

    it("a twin whose parent is another site's has no parent, siblings or ancestors in its facts", () => {
      const r = relativesOf(plant.get('area-a')!, lookup, everywhere);
      expect(r).toEqual({ parent: undefined, siblings: [], ancestors: [], children: 1 });
      const b = relativesOf(plant.get('mill-b1')!, lookup, everywhere);
      expect(b).toEqual({ parent: undefined, siblings: [], ancestors: [], children: 0 });
    });

    it('stops at a corrupt cycle', () => {
      const loop = new Map<string, TwinState>([
        ['x', twin('x', { parentId: 'y', children: kids('z') })],
        ['y', twin('y', { parentId: 'x', children: kids('x') })],
        ['z', twin('z', { parentId: 'x' })],
      ]);
      const r = relativesOf(loop.get('z')!, (id) => loop.get(id), everywhere);
      expect(ids(r.ancestors)).toEqual(['x', 'y']);
    });
  });
});
