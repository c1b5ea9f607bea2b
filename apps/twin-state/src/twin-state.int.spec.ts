import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { stampEvents } from '@twinlog/domain';
import { eventually } from '@twinlog/event-log/testing';
import { repoRoot, tsRunner } from '@twinlog/testing';
import {
  startTwinStateHarness,
  type Mode,
  type TwinStateHarness,
} from './testing/twin-state-harness';

const HOUR = 3_600_000;
const T0 = Date.now() - 48 * HOUR;
const at = (hours: number) => new Date(T0 + hours * HOUR).toISOString();

describe.each<Mode>(['kafka', 'embedded'])('twin-state service (%s)', (mode) => {
  let h: TwinStateHarness;

  beforeAll(async () => {
    h = await startTwinStateHarness(mode);
    // A production line with two machines; mill-b has a cutting tool.
    const register = (body: Record<string, unknown>) =>
      h.call('POST', '/v1/twins', { commissionedAt: at(0), site: 'plant-a', ...body });
    expect((await register({ twinId: 'line-1', twinType: 'production-line' })).status).toBe(201);
    for (const id of ['mill-a', 'mill-b']) {
      const r = await register({ twinId: id, twinType: 'cnc-milling-machine', parentId: 'line-1' });
      expect(r.status).toBe(201);
    }
    expect(
      (await register({ twinId: 'tool-b', twinType: 'cutting-tool', parentId: 'mill-b' })).status,
    ).toBe(201);
    await h.report('mill-a', [
      { property: 'temperature', value: 40, unit: '°C', occurredAt: at(1) },
      { property: 'power_consumption', value: 6, unit: 'kW', occurredAt: at(1) },
    ]);
    await h.report('mill-a', [
      { property: 'temperature', value: 50, unit: '°C', occurredAt: at(2) },
    ]);
    await h.report('mill-b', [
      { property: 'temperature', value: 88, unit: '°C', occurredAt: at(2) },
      { property: 'power_consumption', value: 9.5, unit: 'kW', occurredAt: at(2) },
    ]);
    await h.report('mill-a', [
      { property: 'temperature', value: 70, unit: '°C', occurredAt: at(3) },
    ]);
    await eventually(async () => {
      const { json } = await h.call('GET', '/v1/twins/mill-a');
      return json?.reported?.temperature?.value === 70;
    }, 'the live state caught up with the telemetry');
  });
  afterAll(async () => h?.close());

  it('answers the current state of a twin with its values, limits, children and health', async () => {
    const { status, json } = await h.call('GET', '/v1/twins/mill-b');
    expect(status).toBe(200);
    expect(json).toMatchObject({
      twinId: 'mill-b',
      twinType: 'cnc-milling-machine',
      level: 'asset',
      parentId: 'line-1',
      site: 'plant-a',
      status: 'active',
      reported: { temperature: { value: 88, unit: '°C', occurredAt: at(2) } },
      limits: { temperature: { alarm: { high: 85 } } },
      children: [{ twinId: 'tool-b', twinType: 'cutting-tool' }],
      health: {
        status: 'alarm',
        properties: { temperature: 'alarm', power_consumption: 'normal' },
      },
    });
    const list = await h.call('GET', '/v1/twins?twinType=cnc-milling-machine&site=plant-a');
    expect(list.json.twins.map((t: { twinId: string }) => t.twinId)).toEqual(['mill-a', 'mill-b']);
    expect((await h.call('GET', '/v1/twins?parentId=mill-b')).json.twins).toHaveLength(1);
    expect((await h.call('GET', '/v1/twins/nobody')).json.error.code).toBe('TWIN_NOT_FOUND');
  });

  it("shows the maintenance service's latest prediction in the state", async () => {
    await h.infra.log.append(
      stampEvents(
        'tool-b',
        [
          {
            type: 'MaintenancePredicted',
            data: {
              healthIndex: 0.35,
              rulHours: 12,
              rulLowHours: 8,
              rulHighHours: 20,
              basis: 'tool_wear',
              model: 'wear-trend',
              priority: 'high',
              window: { from: at(40), to: at(44) },
            },
            occurredAt: at(3),
          },
        ],
        {
          commandId: 'prediction-1',
          correlationId: 'c',
          causationId: null,
          producer: 'maintenance',
          now: new Date().toISOString(),
        },
      ),
    );
    await eventually(async () => {
      const { json } = await h.call('GET', '/v1/twins/tool-b');
      return json?.maintenancePrediction?.rulHours === 12;
    }, 'the prediction in the live state');
    const { json } = await h.call('GET', '/v1/twins/tool-b');
    expect(json.maintenancePrediction).toMatchObject({
      priority: 'high',
      rulLowHours: 8,
      predictedAt: at(3),
    });
  });

  it("rolls the line up: its machines' worst status, the least healthy machine and the total power", async () => {
    const { json } = await h.call('GET', '/v1/twins/line-1/rollup');
    expect(json).toMatchObject({
      worstStatus: 'alarm',
      leastHealthy: { twinId: 'mill-b', status: 'alarm' },
      aggregates: { power_consumption: { rule: 'sum', value: 15.5, unit: 'kW', count: 2 } },
    });
    expect(
      json.children.map((c: { twinId: string; status: string }) => [c.twinId, c.status]),
    ).toEqual([
      ['mill-a', 'warning'],
      ['mill-b', 'alarm'],
    ]);
  });

  it('travels in time by event time, for a twin and a subtree, and diffs two times', async () => {
    const at25 = await h.call('GET', `/v1/twins/mill-a/history?at=${at(2.5)}&by=event`);
    expect(at25.json).toMatchObject({
      by: 'event',
      state: { reported: { temperature: { value: 50 } } },
    });
    const before = await h.call('GET', `/v1/twins/mill-a/history?at=${at(0.5)}`);
    expect(before.json.state.reported).toEqual({});
    const notYet = await h.call('GET', `/v1/twins/mill-a/history?at=${at(-1)}`);
    expect(notYet.json.error.code).toBe('TWIN_NOT_FOUND');

    const tree = await h.call('GET', `/v1/twins/line-1/history?at=${at(1.5)}&subtree=true`);
    expect(tree.json.rollUp).toMatchObject({ aggregates: { power_consumption: { value: 6 } } });
    expect(tree.json.twins.map((t: { twinId: string }) => t.twinId).sort()).toEqual([
      'line-1',
      'mill-a',
      'mill-b',
      'tool-b',
    ]);

    const diff = await h.call('GET', `/v1/twins/mill-a/diff?from=${at(1.5)}&to=${at(3.5)}`);
    expect(diff.json.changes).toEqual([
      expect.objectContaining({
        path: 'reported.temperature',
        before: expect.objectContaining({ value: 40 }),
        after: expect.objectContaining({ value: 70 }),
      }),
    ]);
    expect((await h.call('GET', '/v1/twins/mill-a/history?at=yesterday')).status).toBe(400);
  });

  it('keeps an audit trail of a limits change with who caused it, by record time, and which event set a value', async () => {
    const beforeChange = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    const { json: current } = await h.call('GET', '/v1/twins/mill-a');
    const changed = await h.call(
      'PUT',
      '/v1/twins/mill-a/limits/temperature',
      { limits: { normal: { high: 60 }, alarm: { high: 80 } }, expectedRevision: current.revision },
      // A claimed actor header is not believed: the caller is who authentication says it is.
      { 'x-correlation-id': 'work-order-77', 'x-actor': 'alice' },
    );
    expect(changed.status).toBe(200);
    expect(changed.json.revision).toBeGreaterThan(current.revision);

    const trail = await h.call('GET', '/v1/twins/mill-a/events?types=LimitsChanged');
    expect(trail.json.events).toHaveLength(1);
    expect(trail.json.events[0]).toMatchObject({
      type: 'LimitsChanged',
      correlationId: 'work-order-77',
      // This harness runs with authentication off: every caller is the demo admin.
      producer: 'twin-state/anonymous',
      actor: 'anonymous',
      data: { property: 'temperature', limits: { alarm: { high: 80 } } },
    });
    // As Twinlog knew it before the change (record time), the old limits; now, the new ones.
    const then = await h.call('GET', `/v1/twins/mill-a/history?at=${beforeChange}&by=record`);
    expect(then.json.state.limits.temperature.alarm.high).toBe(85);
    const source = await h.call('GET', '/v1/twins/mill-a/properties/temperature/source');
    expect(source.json.limitsSetBy).toMatchObject({
      type: 'LimitsChanged',
      correlationId: 'work-order-77',
    });
    expect(source.json.valueSetBy).toMatchObject({ type: 'TelemetryReported', occurredAt: at(3) });

    // Paging through the whole trail, in order.
    const first = await h.call('GET', '/v1/twins/mill-a/events?limit=2');
    expect(first.json.events.map((e: { type: string }) => e.type)).toEqual([
      'TwinRegistered',
      'TelemetryReported',
    ]);
    const second = await h.call('GET', `/v1/twins/mill-a/events?limit=2&cursor=${first.json.next}`);
    expect(second.json.events[0].position).toBe(2);
  });

  it('refuses a stale revision with 409 and bad commands with clear errors', async () => {
    const { json } = await h.call('GET', '/v1/twins/mill-b');
    const stale = await h.call('POST', '/v1/twins/mill-b/retire', {
      reason: 'x',
      expectedRevision: json.revision - 1,
    });
    expect(stale.status).toBe(409);
    expect(stale.json.error).toMatchObject({
      code: 'REVISION_CONFLICT',
      details: { current: json.revision },
    });

    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ twinId: 'x-1', twinType: 'rocket' }, 422, 'MODEL_UNKNOWN'],
      [{ twinId: 'x-2', twinType: 'cutting-tool', parentId: 'ghost' }, 422, 'PARENT_NOT_FOUND'],
      [{ twinId: 'x-3', twinType: 'cutting-tool', parentId: 'x-3' }, 422, 'HIERARCHY_CYCLE'],
      [{ twinId: 'x-4', twinType: 'spindle-motor', parentId: 'tool-b' }, 422, 'CHILD_NOT_ALLOWED'],
      [{ twinId: 'mill-a', twinType: 'cnc-milling-machine' }, 409, 'TWIN_ALREADY_REGISTERED'],
      [{ twinId: 'bad id!', twinType: 'cutting-tool' }, 400, 'TWIN_ID_INVALID'],
      [{ twinType: 'cutting-tool' }, 400, 'COMMAND_INVALID'],
    ];
    for (const [body, status, code] of cases) {
      const r = await h.call('POST', '/v1/twins', body);
      expect([r.status, r.json.error.code]).toEqual([status, code]);
    }
    const limits = await h.call('PUT', '/v1/twins/mill-b/limits/temperature', {
      limits: { alarm: { high: 50 }, warning: { high: 70 } },
    });
    expect([limits.status, limits.json.error.code]).toEqual([422, 'LIMITS_INVALID']);
    const malformed = await h.call('POST', '/v1/twins', '{"twinId":');
    expect([malformed.status, malformed.json.error.code]).toEqual([400, 'JSON_MALFORMED']);
  });

  it('applies a command sent again with the same Idempotency-Key once, answering the first result', async () => {
    const send = (key: string, notes: string, twinId = 'mill-a') =>
      h.call(
        'POST',
        `/v1/twins/${twinId}/maintenance`,
        { kind: 'inspection', performedAt: at(4), notes },
        { 'idempotency-key': key },
      );
    const key = `order-${mode}-4711`;
    const first = await send(key, 'first');
    expect(first.status).toBe(201);
    expect(first.json.replayed).toBeUndefined();
    // The answer was lost, say: the same key again changes nothing and answers the same.
    const again = await send(key, 'again');
    expect(again.status).toBe(201);
    expect(again.json).toEqual({ ...first.json, replayed: true });
    const trail = await h.call('GET', '/v1/twins/mill-a/events?types=MaintenancePerformed');
    const recorded = trail.json.events.filter((e: { id: string }) =>
      first.json.events.some((f: { id: string }) => f.id === e.id),
    );
    expect(recorded).toHaveLength(1);
    expect(recorded[0].data.notes).toBe('first');
    // Another key is another command; the same key on another twin is another command too.
    expect((await send(`${key}-b`, 'second')).json.replayed).toBeUndefined();
    expect((await send(key, 'other twin', 'mill-b')).json.replayed).toBeUndefined();
    // A key that is not one is refused, and nothing is applied.
    const bad = await send('two words', 'bad');
    expect([bad.status, bad.json.error.code]).toEqual([400, 'COMMAND_INVALID']);
  });

  it('refuses impossible times with the documented code in plain words, and limits a property cannot reach', async () => {
    // Issue 15: 31 November was stored as 1 December; other forms failed as 400 EVENT_INVALID
    // with the event schema's regex in the message.
    for (const commissionedAt of [
      '2026-11-31T00:30:00Z',
      '2026-02-30T10:00:00Z',
      '2026-11-27T25:00:00Z',
      '2026-11-27T23:59:60Z',
      '2026-11-27',
      '2026-11-27T10:00:00',
      '12026-11-27T10:00:00Z',
      '+275760-09-13T00:00:00.000Z',
    ]) {
      const r = await h.call('POST', '/v1/twins', {
        twinId: 'x-times',
        twinType: 'cutting-tool',
        commissionedAt,
      });
      expect([commissionedAt, r.status, r.json.error.code]).toEqual([
        commissionedAt,
        422,
        'TIMESTAMP_IMPLAUSIBLE',
      ]);
      expect(r.json.error.message).toMatch(/^commissionedAt: /);
      expect(r.json.error.message).not.toMatch(/\\d|\(\?:/);
    }
    const maintenance = await h.call('POST', '/v1/twins/mill-b/maintenance', {
      kind: 'inspection',
      performedAt: '2026-11-31T00:30:00Z',
    });
    expect([maintenance.status, maintenance.json.error.code]).toEqual([
      422,
      'TIMESTAMP_IMPLAUSIBLE',
    ]);
    for (const query of [
      'history?at=2026-11-31T00:30:00Z',
      'history?at=1e20',
      'history?at=%2B275760-09-13T00:00:00.000Z',
      'diff?from=2026-02-30T00:00:00Z&to=2026-03-01T00:00:00Z',
      'events?from=2026-11-27T24:00:00Z',
    ]) {
      const r = await h.call('GET', `/v1/twins/mill-a/${query}`);
      expect([query, r.status, r.json.error.code]).toEqual([query, 400, 'QUERY_INVALID']);
    }
    const limits = await h.call('PUT', '/v1/twins/mill-b/limits/temperature', {
      limits: { failure: { low: -300, high: 1e300 } },
    });
    expect([limits.status, limits.json.error.code]).toEqual([422, 'LIMITS_INVALID']);
    expect(limits.json.error.message).toMatch(/physical range/);
  });

  it('restarts from snapshots and the log to an identical state, and a full rebuild verifies it', async () => {
    const before = (await h.call('GET', '/v1/twins')).json.twins;
    const states = await Promise.all(
      before.map(
        async (t: { twinId: string }) => (await h.call('GET', `/v1/twins/${t.twinId}`)).json,
      ),
    );
    await h.restart(); // closing writes a last snapshot
    expect((await h.infra.log.snapshots.loadLatest('mill-a'))?.state).toBeDefined();
    const after = await Promise.all(
      states.map(
        async (s: { twinId: string }) => (await h.call('GET', `/v1/twins/${s.twinId}`)).json,
      ),
    );
    expect(after).toEqual(states);

    const response = await fetch(`${h.service.url}/v1/admin/rebuild`, { method: 'POST' });
    const lines = (await response.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const done = lines[lines.length - 1];
    expect(done).toMatchObject({
      phase: 'done',
      report: { verified: before.length, mismatches: [], movedOn: [] },
    });
    expect(lines.some((l) => l.phase === 'replay')).toBe(true);
    const one = await h.call('POST', '/v1/admin/rebuild/mill-a');
    expect(one.json).toMatchObject({ verified: 1, mismatches: [] });
  });

  it('rebuilds from the command line with progress, exit code 0 when the log and the live state agree', async () => {
    const cli = spawn(
      process.execPath,
      [...tsRunner(), join(repoRoot(), 'apps/cli/src/main.ts'), 'rebuild'],
      {
        cwd: repoRoot(),
        env: { ...process.env, TWINLOG_TWIN_STATE_URL: h.service.url },
      },
    );
    let stdout = '';
    let stderr = '';
    cli.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    cli.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((r) => cli.once('close', r));
    expect({ code, stderr: stderr.includes('twinlog:') ? stderr : '' }).toEqual({
      code: 0,
      stderr: '',
    });
    expect(stderr).toMatch(/replaying the log: \d+ events/);
    expect(stdout).toMatch(/4 twins verified, 0 differ from the live state/);
  });
});
