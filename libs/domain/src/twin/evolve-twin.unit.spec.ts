import type { EventEnvelope } from '../events/twin-events';
import { at, given, meta, record } from '../testing/fixtures';
import { stampEvents } from './stamp-events';
import { foldTwin } from './fold-twin';
import { initialTwinState, restoreTwinState } from './twin-state';
import { twinHealth } from '../health/health';

const temp = (value: number, seconds: number, id = `t-${seconds}`) => ({
  readingId: id,
  property: 'temperature',
  value,
  unit: '°C',
  occurredAt: at(seconds),
});

function telemetryLog(batches: Array<ReturnType<typeof temp>[]>): EventEnvelope[] {
  const registered = given('mill-1', [{ type: 'RegisterTwin', twinType: 'mill' }]).events;
  const telemetry = batches.map(
    (readings) =>
      record(
        stampEvents(
          'mill-1',
          [{ type: 'TelemetryReported', data: { readings }, occurredAt: at(0) }],
          meta(),
        ),
      )[0]!,
  );
  return [...registered, ...telemetry];
}

describe('folding a twin from its events', () => {
  it('keeps the newest reading by event time as current, whatever order they arrive in', () => {
    const inOrder = foldTwin(
      telemetryLog([[temp(40, 10)], [temp(41, 20)], [temp(42, 30)]]),
      initialTwinState('mill-1'),
    );
    const late = foldTwin(
      telemetryLog([[temp(40, 10)], [temp(42, 30)], [temp(41, 20)]]),
      initialTwinState('mill-1'),
    );
    expect(inOrder.reported['temperature']?.value).toBe(42);
    expect(late.reported['temperature']).toMatchObject({ value: 42, occurredAt: at(30) });
  });

  it('says which event set a value', () => {
    const log = telemetryLog([[temp(40, 10)], [temp(42, 30)], [temp(41, 20)]]);
    const state = foldTwin(log, initialTwinState('mill-1'));
    expect(state.reported['temperature']).toMatchObject({
      eventId: log[2]!.id,
      revision: log[2]!.revision,
    });
  });

  it('applies a redelivered event only once', () => {
    const log = telemetryLog([[temp(40, 10)], [temp(42, 30)]]);
    const clean = foldTwin(log, initialTwinState('mill-1'));
    const redelivered = foldTwin([...log, log[1]!, log[2]!, log[1]!], initialTwinState('mill-1'));
    expect(redelivered).toEqual(clean);
  });

  it('restores a snapshot written with the old reading-id window, without it', () => {
    const stored = {
      ...initialTwinState('mill-1'),
      recentReadingIds: [['a', 'b']],
    };
    const restored = restoreTwinState(JSON.parse(JSON.stringify(stored)));
    expect(restored).toEqual(initialTwinState('mill-1'));
    expect('recentReadingIds' in restored).toBe(false);
    const next = foldTwin(telemetryLog([[temp(40, 10, 'c')]]).slice(1), restored);
    expect(next.reported['temperature']?.readingId).toBe('c');
  });

  it('does not let telemetry move the revision that commands are checked against', () => {
    const log = telemetryLog([[temp(40, 10)], [temp(42, 30)]]);
    const state = foldTwin(log, initialTwinState('mill-1'));
    expect(state.revision).toBe(log[0]!.revision);
    expect(state.telemetryRevision).toBe(log[2]!.revision);
  });

  it('gives the same state however the two streams interleave', () => {
    const twin = given(
      'mill-1',
      [{ type: 'RegisterTwin', twinType: 'mill' }],
      [
        {
          type: 'RecordMaintenance',
          kind: 'repair',
          performedAt: at(100),
          resets: ['temperature'],
        },
        { now: at(200) },
      ],
    );
    const [registered, maintenance] = twin.events;
    const [before, after] = [temp(60, 90), temp(30, 150)].map(
      (r) =>
        record(
          stampEvents(
            'mill-1',
            [{ type: 'TelemetryReported', data: { readings: [r] }, occurredAt: r.occurredAt }],
            meta(),
          ),
        )[0]!,
    );
    const orders = [
      [registered!, maintenance!, before!, after!],
      [registered!, before!, after!, maintenance!],
      [after!, before!, registered!, maintenance!],
    ];
    const states = orders.map((events) => foldTwin(events, initialTwinState('mill-1')));
    expect(states[0]!.reported['temperature']?.value).toBe(30);
    expect(states[1]).toEqual(states[0]);
    expect(states[2]).toEqual(states[0]);
  });

  it('never lets a reading older than any reset of its property become current again', () => {
    const twin = given(
      'mill-1',
      [{ type: 'RegisterTwin', twinType: 'mill' }],
      [
        {
          type: 'RecordMaintenance',
          kind: 'repair',
          performedAt: at(100),
          resets: ['temperature'],
        },
        { now: at(300) },
      ],
      [
        { type: 'RecordMaintenance', kind: 'inspection', performedAt: at(200), resets: [] },
        { now: at(300) },
      ],
    );
    expect(twin.state.lastMaintenance).toMatchObject({ kind: 'inspection' });
    const late = record(
      stampEvents(
        'mill-1',
        [{ type: 'TelemetryReported', data: { readings: [temp(50, 50)] }, occurredAt: at(50) }],
        meta(),
      ),
    );
    expect(foldTwin(late, twin.state).reported['temperature']).toBeUndefined();
    const fresh = record(
      stampEvents(
        'mill-1',
        [{ type: 'TelemetryReported', data: { readings: [temp(35, 150)] }, occurredAt: at(150) }],
        meta(),
      ),
    );
    expect(foldTwin(fresh, twin.state).reported['temperature']?.value).toBe(35);
  });

  it('keeps the newest maintenance prediction by event time, whatever order they arrive in', () => {
    const prediction = (rulHours: number, seconds: number) =>
      record(
        stampEvents(
          'mill-1',
          [
            {
              type: 'MaintenancePredicted',
              data: {
                healthIndex: 0.4,
                rulHours,
                rulLowHours: rulHours / 2,
                rulHighHours: rulHours * 2,
                basis: 'tool_wear',
                model: 'wear-trend',
                priority: 'medium',
                window: { from: at(seconds), to: at(seconds + 3600) },
              },
              occurredAt: at(seconds),
            },
          ],
          meta(),
        ),
      )[0]!;
    const registered = given('mill-1', [{ type: 'RegisterTwin', twinType: 'mill' }]).events;
    const newer = prediction(10, 200);
    const older = prediction(30, 100);
    const state = foldTwin([...registered, newer, older], initialTwinState('mill-1'));
    expect(state.maintenancePrediction).toMatchObject({
      rulHours: 10,
      predictedAt: at(200),
      eventId: newer.id,
    });
  });

  it('tracks children, anomalies, maintenance resets and retirement', () => {
    const twin = given(
      'mill-1',
      [{ type: 'RegisterTwin', twinType: 'mill' }],
      [{ type: 'AttachChild', childId: 'tool-1', childType: 'tool' }],
      { type: 'TelemetryReported', data: { readings: [temp(70, 50)] }, occurredAt: at(50) },
      [
        {
          type: 'RecordMaintenance',
          kind: 'repair',
          performedAt: at(100),
          resets: ['temperature'],
        },
        { now: at(200) },
      ],
    );
    expect(twin.state.children).toEqual([{ twinId: 'tool-1', twinType: 'tool' }]);
    expect(twin.state.reported['temperature']).toBeUndefined();
    expect(twin.state.lastMaintenance).toMatchObject({ kind: 'repair', resets: ['temperature'] });

    // A reading from before the repair arrives late: history, not current.
    const stale = record(
      stampEvents(
        'mill-1',
        [{ type: 'TelemetryReported', data: { readings: [temp(69, 90)] }, occurredAt: at(90) }],
        meta(),
      ),
    );
    expect(foldTwin(stale, twin.state).reported['temperature']).toBeUndefined();

    const anomaly = record(
      stampEvents(
        'mill-1',
        [
          {
            type: 'AnomalyDetected',
            data: {
              episodeId: 'ep-1',
              detector: 'limits',
              properties: ['temperature'],
              score: 0.9,
              severity: 'alarm',
              evidence: [{ property: 'temperature', observed: 82, expectedHigh: 80 }],
            },
            occurredAt: at(300),
          },
        ],
        meta(),
      ),
    );
    const withAnomaly = foldTwin(anomaly, twin.state);
    expect(withAnomaly.activeAnomalies['ep-1']).toMatchObject({
      severity: 'alarm',
      since: at(300),
    });
    const cleared = record(
      stampEvents(
        'mill-1',
        [
          {
            type: 'AnomalyCleared',
            data: { episodeId: 'ep-1', detector: 'limits' },
            occurredAt: at(400),
          },
        ],
        meta(),
      ),
    );
    expect(foldTwin(cleared, withAnomaly).activeAnomalies).toEqual({});
  });

  it('raises an open anomaly to the worst severity so far, and the twin health with it', () => {
    const twin = given('tool-1', [{ type: 'RegisterTwin', twinType: 'tool' }]);
    const evidence = (observed: number) => [{ property: 'tool_wear', observed, expectedHigh: 0.2 }];
    const event = (type: string, data: unknown, seconds: number) =>
      record(stampEvents('tool-1', [{ type, data, occurredAt: at(seconds) } as never], meta()));
    const detected = event(
      'AnomalyDetected',
      {
        episodeId: 'ep-1',
        detector: 'limits',
        properties: ['tool_wear'],
        score: 0.55,
        severity: 'warning',
        evidence: evidence(0.25),
      },
      100,
    );
    const raise = (severity: string, score: number, seconds: number, episodeId = 'ep-1') =>
      event(
        'AnomalyEscalated',
        { episodeId, detector: 'limits', severity, score, evidence: evidence(score) },
        seconds,
      );
    const open = foldTwin(detected, twin.state);
    expect(twinHealth(open).status).toBe('warning');

    const critical = foldTwin([...raise('alarm', 0.8, 200), ...raise('critical', 0.95, 300)], open);
    expect(critical.activeAnomalies['ep-1']).toMatchObject({
      severity: 'critical',
      score: 0.95,
      evidence: evidence(0.95),
      since: at(100),
      raisedAt: at(300),
    });
    expect(twinHealth(critical).status).toBe('failure');

    // A lower severity (a late or repeated event) lowers nothing; nor is a closed episode raised.
    expect(foldTwin(raise('alarm', 0.8, 400), critical).activeAnomalies).toEqual(
      critical.activeAnomalies,
    );
    expect(foldTwin(raise('critical', 0.95, 400, 'ep-gone'), open).activeAnomalies).toEqual(
      open.activeAnomalies,
    );
  });

  it('records simulation runs in the stream without changing the twin (only its revision moves)', () => {
    const twin = given('mill-1', [{ type: 'RegisterTwin', twinType: 'mill' }], {
      type: 'TelemetryReported',
      data: { readings: [temp(70, 50)] },
      occurredAt: at(50),
    });
    const runs = record(
      stampEvents(
        'mill-1',
        [
          {
            type: 'SimulationRequested',
            data: {
              simulationId: 'sim-1',
              label: 'cooling fails',
              comparisonId: null,
              startAt: at(60),
              timeTravel: false,
              horizonSeconds: 86_400,
              stepSeconds: 60,
              perturbations: [{ kind: 'fail', target: 'cooling_capacity', at: 0, remaining: 0.1 }],
              samples: 0,
              seed: null,
            },
            occurredAt: at(100),
          },
          {
            type: 'SimulationCompleted',
            data: {
              simulationId: 'sim-1',
              riskLevel: 'high',
              firstLimit: {
                property: 'temperature',
                level: 'alarm',
                bound: 'high',
                limit: 80,
                atSeconds: 3600,
              },
              crossings: [],
              crossingProbabilities: [],
              calibration: [{ group: 'thermal', status: 'fitted', points: 40, rmse: 0.3 }],
              recommendations: [],
            },
            occurredAt: at(101),
          },
        ],
        meta(),
      ),
    );
    const after = foldTwin(runs, twin.state);
    expect(after.revision).toBe(runs[1]!.revision);
    expect({ ...after, revision: twin.state.revision }).toEqual(twin.state);
  });
});
