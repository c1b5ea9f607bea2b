import type { TelemetryAnswer, TwinDetail } from '../../api/types';
import type { StreamMessage } from '../../stream/live-stream';
import { appendReadings, applyStreamMessage } from './live-twin';

const value = (v: number, at: string) => ({
  value: v,
  unit: 'degC',
  occurredAt: at,
  readingId: `r-${at}`,
  eventId: 'e-0',
  revision: 3,
});

const twin = {
  twinId: 'cnc-01',
  reported: { temperature: value(40, '2026-01-01T00:00:10.000Z') },
  limits: { temperature: { normal: { high: 60 }, warning: { high: 80 } } },
  activeAnomalies: {},
  resetAt: {},
  revision: 5,
  telemetryRevision: 3,
  health: { status: 'normal', properties: { temperature: 'normal' } },
} as unknown as TwinDetail;

const reading = (v: number, at: string, property = 'temperature') => ({
  property,
  value: v,
  unit: 'degC',
  occurredAt: at,
  readingId: `r-${at}`,
});

const telemetry = (revision: number, readings: unknown[], twinId = 'cnc-01'): StreamMessage => ({
  id: 'x',
  type: 'state-changed',
  data: {
    twinId,
    site: null,
    event: 'TelemetryReported',
    eventId: `e-${revision}`,
    revision,
    occurredAt: '2026-01-01T00:00:00Z',
    recordedAt: '2026-01-01T00:00:00Z',
    data: { readings },
  },
});

describe('live updates of the twin page, from the stream message alone', () => {
  it('folds readings into the values and the health, newest wins, no request', () => {
    const out = applyStreamMessage(
      twin,
      telemetry(4, [
        reading(70, '2026-01-01T00:00:20.000Z'),
        reading(12, '2026-01-01T00:00:05.000Z', 'speed'),
      ]),
    );
    if (typeof out === 'string') throw new Error(out);
    expect(out.twin.reported.temperature!.value).toBe(70);
    expect(out.twin.reported.speed!.value).toBe(12);
    expect(out.twin.telemetryRevision).toBe(4);
    expect(out.twin.health.status).toBe('warning');
    expect(out.readings).toHaveLength(2);
    // An older reading does not move "current" (the server's rule).
    const late = applyStreamMessage(
      out.twin,
      telemetry(5, [reading(1, '2026-01-01T00:00:15.000Z')]),
    );
    if (typeof late === 'string') throw new Error(late);
    expect(late.twin.reported.temperature!.value).toBe(70);
  });

  it('ignores what the fetched twin already holds and other twins; refetches on other changes', () => {
    expect(applyStreamMessage(twin, telemetry(3, [reading(1, '2026-01-01T00:01:00.000Z')]))).toBe(
      'ignore',
    );
    expect(applyStreamMessage(twin, telemetry(9, [], 'cnc-02'))).toBe('ignore');
    expect(applyStreamMessage(twin, telemetry(9, [{ property: 'temperature', value: 'x' }]))).toBe(
      'refetch',
    );
    const anomaly = { ...telemetry(6, []), type: 'anomaly-opened' };
    expect(applyStreamMessage(twin, anomaly)).toBe('refetch');
  });

  it('folds an anomaly and a prediction that follow the revision held; refetches after a gap', () => {
    const event = (type: string, event: string, revision: number, data: object): StreamMessage => ({
      id: 'x',
      type,
      data: {
        twinId: 'cnc-01',
        site: null,
        event,
        eventId: `e-${revision}`,
        revision,
        occurredAt: '2026-01-01T00:01:00.000Z',
        recordedAt: '2026-01-01T00:01:00.000Z',
        data: data as Record<string, unknown>,
      },
    });
    const opened = applyStreamMessage(
      twin,
      event('anomaly-opened', 'AnomalyDetected', 6, { episodeId: 'ep-1', severity: 'alarm' }),
    );
    if (typeof opened === 'string') throw new Error(opened);
    expect(opened.twin.revision).toBe(6);
    expect(Object.keys(opened.twin.activeAnomalies)).toEqual(['ep-1']);
    expect(opened.twin.health.status).toBe('alarm');
    const predicted = applyStreamMessage(
      opened.twin,
      event('maintenance-predicted', 'MaintenancePredicted', 7, { healthIndex: 80 }),
    );
    if (typeof predicted === 'string') throw new Error(predicted);
    expect(predicted.twin.maintenancePrediction).toMatchObject({
      healthIndex: 80,
      predictedAt: '2026-01-01T00:01:00.000Z',
      eventId: 'e-7',
    });
    const raised = applyStreamMessage(
      predicted.twin,
      event('anomaly-raised', 'AnomalyEscalated', 8, {
        episodeId: 'ep-1',
        severity: 'critical',
        score: 0.95,
        evidence: [],
      }),
    );
    if (typeof raised === 'string') throw new Error(raised);
    expect(raised.twin.activeAnomalies['ep-1']).toMatchObject({
      severity: 'critical',
      raisedAt: '2026-01-01T00:01:00.000Z',
    });
    expect(raised.twin.health.status).toBe('failure');
    const cleared = applyStreamMessage(
      raised.twin,
      event('anomaly-closed', 'AnomalyCleared', 9, { episodeId: 'ep-1' }),
    );
    if (typeof cleared === 'string') throw new Error(cleared);
    expect(cleared.twin.activeAnomalies).toEqual({});
    expect(cleared.twin.health.status).toBe('normal');
    // A revision skipped (an event the stream does not carry): fetch the twin.
    expect(
      applyStreamMessage(twin, event('anomaly-opened', 'AnomalyDetected', 7, { episodeId: 'e' })),
    ).toBe('refetch');
    expect(applyStreamMessage(twin, event('state-changed', 'LimitsChanged', 6, {}))).toBe(
      'refetch',
    );
  });

  it('appends readings to the charts’ windows and drops windows that left the range', () => {
    const answer: TelemetryAnswer = {
      twinId: 'cnc-01',
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-01-01T00:01:00.000Z',
      every: '10s',
      everyMs: 10_000,
      series: [
        {
          property: 'temperature',
          unit: 'degC',
          windows: [
            { start: '2026-01-01T00:00:00.000Z', mean: 10, min: 10, max: 10, last: 10, count: 1 },
            { start: '2026-01-01T00:00:50.000Z', mean: 20, min: 18, max: 22, last: 22, count: 2 },
          ],
        },
      ],
    };
    const from = Date.parse('2026-01-01T00:00:10.000Z');
    const next = appendReadings(
      answer,
      [
        reading(26, '2026-01-01T00:00:55.000Z'),
        reading(30, '2026-01-01T00:01:03.000Z'),
        reading(99, '2026-01-01T00:01:03.000Z', 'speed'),
      ],
      { fromMs: from, toMs: from + 60_000 },
    );
    expect(next.series[0]!.windows).toEqual([
      { start: '2026-01-01T00:00:50.000Z', mean: 22, min: 18, max: 26, last: 26, count: 3 },
      { start: '2026-01-01T00:01:00.000Z', mean: 30, min: 30, max: 30, last: 30, count: 1 },
    ]);
  });
});
