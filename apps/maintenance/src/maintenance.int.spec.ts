import { randomUUID } from 'node:crypto';
import { stampEvents } from '@twinlog/domain';
import {
  maintenanceEnv,
  predictionsIn,
  registerPlant,
  startWorker,
  telemetryEvents,
  until,
  type Mode,
  type Worker,
} from './testing/maintenance-harness';
import { TwinEventsView } from './twins/twin-events-view';

const HOUR = 3_600_000;
const START = Date.now() - 120 * HOUR;
/** A spindle bearing: 1.5 mm/s until hour 30, then growing exponentially to 11.2 mm/s (failure). */
const ONSET_H = 30;
const RATE = 0.1;
const END_OF_LIFE_H = ONSET_H + Math.log(1 + (11.2 - 1.5) / 0.3) / RATE;

/** An episode as the anomaly service's limits detector opens it. */
function limitsAnomaly(twinId: string, episodeId: string, severity: 'warning' | 'critical', at: number) {
  return stampEvents(
    twinId,
    [
      {
        type: 'AnomalyDetected',
        data: {
          episodeId: `${twinId}/${episodeId}`,
          detector: 'limits',
          properties: ['tool_wear'],
          score: severity === 'critical' ? 0.95 : 0.55,
          severity,
          evidence: [],
        },
        occurredAt: new Date(at).toISOString(),
      },
    ],
    {
      commandId: `${twinId}-${episodeId}`,
      correlationId: `${twinId}-${episodeId}`,
      causationId: null,
      producer: 'anomaly/test',
      now: new Date().toISOString(),
    },
  );
}

function vibration(fromHours: number, toHours: number, seed = 11) {
  let s = seed;
  const noise = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return (s / 2 ** 31 - 0.5) * 2 * 0.05;
  };
  const readings = [];
  for (let t = 0; t < toHours; t += 1 / 6) {
    const level = t < ONSET_H ? 1.5 : 1.5 + 0.3 * (Math.exp(RATE * (t - ONSET_H)) - 1);
    const value = level * (1 + noise());
    if (t >= fromHours)
      readings.push({ property: 'vibration', value, unit: 'mm/s', at: START + t * HOUR });
  }
  return readings;
}

describe.each<Mode>(['embedded', 'distributed'])('maintenance service (%s mode)', (mode) => {
  jest.setTimeout(180_000);
  const id = randomUUID().slice(0, 8);
  const env = maintenanceEnv(mode, id);
  const [mill, spindle, tool] = [`mill-${id}`, `spindle-${id}`, `tool-${id}`];
  let worker: Worker;
  const seen = () =>
    worker.service.worker.stats.readingsSeen + worker.service.worker.stats.readingsReplayed;

  beforeAll(async () => {
    worker = await startWorker(env);
    await registerPlant(
      worker.infra.log,
      worker.infra.catalog,
      [
        { twinId: mill, twinType: 'cnc-milling-machine' },
        { twinId: spindle, twinType: 'spindle-motor', parentId: mill },
        { twinId: tool, twinType: 'cutting-tool', parentId: mill },
      ],
      new Date(START - HOUR).toISOString(),
    );
  });
  afterAll(async () => worker?.close());

  it('predicts a degrading spindle: its band holds the true end of life, and the machine names it first to fail', async () => {
    const upTo = END_OF_LIFE_H - 12;
    const readings = vibration(0, upTo);
    await worker.infra.log.append(telemetryEvents(spindle, readings, 6));
    await worker.infra.log.append(
      telemetryEvents(
        tool,
        [{ property: 'tool_wear', value: 0.1, unit: '1', at: START + HOUR }],
        1,
      ),
    );
    const last = new Date(readings[readings.length - 1]!.at).toISOString();
    const { json } = await until(
      () => worker.get(`/v1/twins/${spindle}/maintenance`),
      (r) => r.json?.prediction?.predictedAt >= new Date(START + (upTo - 1) * HOUR).toISOString(),
      'the prediction at the last reading',
    );
    const p = json.prediction;
    const left = END_OF_LIFE_H - (Date.parse(p.predictedAt) - START) / HOUR;
    expect(p.predictedAt <= last).toBe(true);
    expect(p.rulLowHours).toBeLessThanOrEqual(left);
    expect(p.rulHighHours).toBeGreaterThanOrEqual(left);
    expect(p).toMatchObject({
      basis: 'vibration',
      model: 'exponential-degradation',
      maintenanceType: 'preventive',
      action: 'replace spindle bearings',
      downtimeHours: 16,
      priority: 'critical',
      beyondHorizon: false,
      features: [expect.objectContaining({ property: 'vibration', model: 'exponential' })],
    });
    expect(p.healthIndex).toBeLessThan(80);
    // The window ends before the early end of life, less the job's downtime.
    expect(Date.parse(p.window.to)).toBeLessThanOrEqual(
      Date.parse(p.predictedAt) + Math.max(0, p.rulLowHours - 16) * HOUR + 1,
    );

    const history = await worker.get(`/v1/twins/${spindle}/maintenance/history?limit=1000`);
    const times = history.json.predictions.map((h: { predictedAt: string }) => h.predictedAt);
    expect(times.length).toBeGreaterThan(upTo - 2);
    expect([...times].sort()).toEqual(times);
    expect(history.json.predictions[0]).toMatchObject({
      healthIndex: 100,
      priority: 'low',
      beyondHorizon: true,
    });
    // The band closes as the end nears: the later predictions' bands are narrower.
    const bands = history.json.predictions
      .filter((h: { beyondHorizon: boolean }) => !h.beyondHorizon)
      .map((h: { rulLowHours: number; rulHighHours: number }) => h.rulHighHours - h.rulLowHours);
    expect(bands[bands.length - 1]).toBeLessThan(bands[0]);

    const rollup = await until(
      () => worker.get(`/v1/twins/${mill}/maintenance/rollup`),
      (r) => r.json?.predicted === 2,
      'the tool prediction too',
    );
    expect(rollup.json).toMatchObject({
      worstPriority: 'critical',
      firstToFail: { twinId: spindle, action: 'replace spindle bearings' },
      predicted: 2,
    });
    expect(rollup.json.healthIndex).toBe(p.healthIndex);
    expect((await worker.get(`/v1/twins/nobody/maintenance`)).json.error.code).toBe(
      'TWIN_NOT_FOUND',
    );
    expect((await worker.get(`/v1/twins/${spindle}/maintenance/history?limit=0`)).status).toBe(400);
    // Issue 15: an impossible date is refused (Date.parse rolled it over to 1 December).
    const impossible = await worker.get(
      `/v1/twins/${spindle}/maintenance/history?from=2026-11-31T00:30:00Z`,
    );
    expect([impossible.status, impossible.json.error.code]).toEqual([400, 'QUERY_INVALID']);
    expect(impossible.json.error.message).toMatch(/November has 30 days/);
  });

  it('is reset by the bearings being replaced: health back to 100, no end of life in sight', async () => {
    const replacedAt = START + (END_OF_LIFE_H - 11) * HOUR;
    await worker.infra.log.append(
      stampEvents(
        spindle,
        [
          {
            type: 'MaintenancePerformed',
            data: {
              kind: 'part-replaced',
              performedAt: new Date(replacedAt).toISOString(),
              resets: [],
              componentId: null,
              notes: 'new bearings',
            },
            occurredAt: new Date(replacedAt).toISOString(),
          },
        ],
        {
          commandId: `maint-${id}`,
          correlationId: 'wo-1',
          causationId: null,
          producer: 'twin-state/test',
          now: new Date().toISOString(),
        },
      ),
    );
    const fresh = Array.from({ length: 24 }, (_, i) => ({
      property: 'vibration',
      value: 1.3 + (i % 3) * 0.02,
      unit: 'mm/s',
      at: replacedAt + HOUR / 2 + i * 600_000,
    }));
    await worker.infra.log.append(telemetryEvents(spindle, fresh, 6));
    const { json } = await until(
      () => worker.get(`/v1/twins/${spindle}/maintenance`),
      (r) => r.json?.prediction?.predictedAt > new Date(replacedAt).toISOString(),
      'a prediction after the replacement',
    );
    expect(json.prediction).toMatchObject({
      healthIndex: 100,
      beyondHorizon: true,
      priority: 'low',
      model: 'no-trend',
    });
  });

  it('never calls a cutting tool past its limit "beyond the horizon" or low; at its failure limit it is corrective and critical now', async () => {
    const worn = `tool-worn-${id}`;
    await registerPlant(
      worker.infra.log,
      worker.infra.catalog,
      [{ twinId: worn, twinType: 'cutting-tool' }],
      new Date(START - HOUR).toISOString(),
    );
    // The demo's tool: first seen part-worn (0.45), wearing 0.015 a minute, a reading every
    // 10 s; it crosses the edge of normal (0.6) at 10 min, before its reference is learned.
    const from = START + 100 * HOUR;
    const wear = (minutes: number) =>
      Array.from({ length: minutes * 6 + 1 }, (_, i) => ({
        property: 'tool_wear',
        value: Number((0.45 + 0.0025 * i).toFixed(4)),
        unit: '1',
        at: from + i * 10_000,
      }));
    const crossedAt = from + 10 * 60_000 + 10_000;
    // The anomaly service's episode reaches the maintenance service before the readings it is
    // about (here: always; live, often). It brings no prediction by itself (that would depend on
    // how the streams interleave); the wear's level entering the warning band does, with it open.
    const view = worker.service.app.get(TwinEventsView);
    await worker.infra.log.append(limitsAnomaly(worn, 'ep-warning', 'warning', crossedAt));
    await until(
      () => view.history.of(worn).length,
      (n) => n >= 1,
      'the service to know of the limits anomaly',
    );
    await worker.infra.log.append(telemetryEvents(worn, wear(14), 6));
    const past = await until(
      () => worker.get(`/v1/twins/${worn}/maintenance`),
      (r) => r.json?.prediction?.predictedAt >= new Date(crossedAt).toISOString(),
      'a prediction once the wear crossed 0.6',
    );
    const p = past.json.prediction;
    expect(p.anomalyPenalty).toBeGreaterThan(0);
    expect(p.beyondHorizon).toBe(false);
    expect(p.model).not.toBe('no-trend');
    expect(['medium', 'high', 'critical']).toContain(p.priority);
    expect(Date.parse(p.window.to)).toBeLessThanOrEqual(Date.parse(p.predictedAt) + 1.5 * HOUR);

    // On to the failure limit (1.0 at 37 min, the smoothed level a little later): no life left,
    // replace it now.
    const failedAt = from + 37 * 60_000;
    await worker.infra.log.append(limitsAnomaly(worn, 'ep-critical', 'critical', failedAt));
    await until(
      () => view.history.of(worn).length,
      (n) => n >= 2,
      'the service to know of the failure-limit anomaly',
    );
    await worker.infra.log.append(telemetryEvents(worn, wear(42).slice(14 * 6 + 1), 6));
    const failed = await until(
      () => worker.get(`/v1/twins/${worn}/maintenance`),
      (r) => r.json?.prediction?.predictedAt >= new Date(failedAt).toISOString(),
      'a prediction at the failure limit',
    );
    const f = failed.json.prediction;
    expect(f).toMatchObject({
      rulHours: 0,
      rulLowHours: 0,
      rulHighHours: 0,
      beyondHorizon: false,
      healthIndex: 0,
      priority: 'critical',
      maintenanceType: 'corrective',
      window: { from: f.predictedAt, to: f.predictedAt },
    });
  });

  it('restarts to the same predictions: a restart mid-stream gives what an uninterrupted stream gives, no duplicates', async () => {
    const [a, b] = [`spindle-a-${id}`, `spindle-b-${id}`];
    await registerPlant(
      worker.infra.log,
      worker.infra.catalog,
      [
        { twinId: a, twinType: 'spindle-motor' },
        { twinId: b, twinType: 'spindle-motor' },
      ],
      new Date(START - HOUR).toISOString(),
    );
    const readings = vibration(0, END_OF_LIFE_H - 6, 23);
    // Split on an event boundary (6 readings an event): the same events, the same predictions.
    const half = 6 * Math.floor(readings.length / 12);
    // a: all of it before the restart; b: half before, half after.
    const expected = seen() + readings.length + half;
    await worker.infra.log.append(telemetryEvents(a, readings, 6));
    await worker.infra.log.append(telemetryEvents(b, readings.slice(0, half), 6));
    await until(
      () => ({
        seen: seen(),
        stats: worker.service.worker.stats,
        partitions: worker.service.worker.partitions,
      }),
      (x) => x.seen >= expected,
      `the worker to see the readings (${expected})`,
    );
    await worker.close();
    worker = await startWorker(env);
    await worker.infra.log.append(telemetryEvents(b, readings.slice(half), 6));
    const stream = (twinId: string, all: Awaited<ReturnType<typeof predictionsIn>>) =>
      all
        .filter((e) => e.twinId === twinId)
        .map((e) => ({ occurredAt: e.occurredAt, data: e.data }));
    const done = await until(
      () => predictionsIn(worker.infra.log),
      (all) => stream(b, all).length > 0 && stream(b, all).length === stream(a, all).length,
      'the restarted worker to catch b up with a',
    );
    expect(stream(b, done)).toEqual(stream(a, done));
    expect(worker.service.worker.stats.restores).toBeGreaterThan(0);
    const ids = done.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);

    // A second deployment replaying everything from scratch (a new group) predicts the same
    // and appends nothing: every id is already in the log.
    const shadow = await startWorker({
      ...env,
      MAINTENANCE_GROUP: `shadow-${id}`,
      MAINTENANCE_HTTP_PORT: '0',
    });
    try {
      const total = readings.length * 2 + vibration(0, END_OF_LIFE_H - 12).length + 25;
      await until(
        () => shadow.service.worker.stats.readingsSeen,
        (n) => n >= total,
        'the shadow to see every reading',
      );
      expect(shadow.service.worker.stats.predictionsAppended).toBe(0);
      expect((await predictionsIn(worker.infra.log)).length).toBe(done.length);
    } finally {
      await shadow.close();
    }
  });
});
