import { isAlertEvent } from '@twinlog/domain';
import { alertAcknowledged, alertOpened, eventually } from '@twinlog/event-log/testing';
import {
  startTwinStateHarness,
  type Mode,
  type TwinStateHarness,
} from './testing/twin-state-harness';

// Issue 20: a twin's audit trail shows the alerts stream's events keyed by it (an alert's are
// keyed by its group's twin), with who acted; its state, time travel, diffs and rebuilds do not
// see them, and a restart replays none of them.

const HOUR = 3_600_000;
const T0 = Date.now() - 48 * HOUR;
const at = (hours: number) => new Date(T0 + hours * HOUR).toISOString();

describe.each<Mode>(['embedded', 'kafka'])('twin-state and the alerts stream (%s)', (mode) => {
  let h: TwinStateHarness;
  let beforeAlerts: string;
  let stateBefore: Record<string, unknown>;

  beforeAll(async () => {
    h = await startTwinStateHarness(mode);
    const register = (body: Record<string, unknown>) =>
      h.call('POST', '/v1/twins', { commissionedAt: at(0), site: 'plant-a', ...body });
    expect((await register({ twinId: 'line-1', twinType: 'production-line' })).status).toBe(201);
    const mill = { twinId: 'mill-a', twinType: 'cnc-milling-machine', parentId: 'line-1' };
    expect((await register(mill)).status).toBe(201);
    await h.report('mill-a', [
      { property: 'temperature', value: 88, unit: '°C', occurredAt: at(1) },
    ]);
    await eventually(
      async () => (await h.call('GET', '/v1/twins/mill-a')).json?.reported?.temperature,
      'the reading folded',
    );
    stateBefore = (await h.call('GET', '/v1/twins/line-1')).json;
    await new Promise((r) => setTimeout(r, 20));
    beforeAlerts = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await h.infra.log.append([
      alertOpened('line-1', 'alert-1', { memberTwinId: 'mill-a', producer: 'alerting' }),
    ]);
    await h.infra.log.append([alertAcknowledged('line-1', 'alert-1')]);
  }, 120_000);
  afterAll(async () => h?.close());

  it("shows an alert in its group twin's trail, with who acknowledged it", async () => {
    const trail = await h.call('GET', '/v1/twins/line-1/events');
    expect(trail.status).toBe(200);
    const alerts = trail.json.events.filter((e: { type: string }) => e.type.startsWith('Alert'));
    expect(alerts).toEqual([
      expect.objectContaining({
        type: 'AlertOpened',
        producer: 'alerting',
        actor: null,
        data: expect.objectContaining({ alertId: 'alert-1', member: expect.anything() }),
      }),
      expect.objectContaining({
        type: 'AlertAcknowledged',
        producer: 'alerting/key:0123456789abcdef',
        actor: 'key:0123456789abcdef',
        data: { alertId: 'alert-1', note: 'on it' },
      }),
    ]);
    const only = await h.call('GET', '/v1/twins/line-1/events?types=AlertAcknowledged');
    expect(only.json.events.map((e: { type: string }) => e.type)).toEqual(['AlertAcknowledged']);
    // The member's own trail is its own events: the alert is keyed by its group.
    const mill = await h.call('GET', '/v1/twins/mill-a/events');
    expect(mill.json.events.some((e: { type: string }) => e.type.startsWith('Alert'))).toBe(false);
  });

  it('leaves state, time travel, diffs and rebuilds as they were', async () => {
    const now = await h.call('GET', '/v1/twins/line-1');
    expect(now.json).toEqual(stateBefore);
    const diff = await h.call(
      'GET',
      `/v1/twins/line-1/diff?from=${beforeAlerts}&to=${new Date().toISOString()}&by=record`,
    );
    expect(diff.json.changes).toEqual([]);
    const then = await h.call(
      'GET',
      `/v1/twins/line-1/history?at=${new Date().toISOString()}&by=record`,
    );
    expect(then.json.state.revision).toBe(stateBefore['revision']);
    const one = await h.call('POST', '/v1/admin/rebuild/line-1');
    expect(one.json).toMatchObject({ verified: 1, mismatches: [] });
  });

  it('restarts replaying no alerts, and its state stays the same', async () => {
    const log = h.infra.log;
    const replay = log.replay.bind(log);
    const alertsReplayed: string[] = [];
    log.replay = (options, handler) =>
      replay(options, async (batch) => {
        for (const { event } of batch) if (isAlertEvent(event)) alertsReplayed.push(event.type);
        await handler(batch);
      });
    try {
      await h.restart();
    } finally {
      log.replay = replay;
    }
    expect(alertsReplayed).toEqual([]);
    expect((await h.call('GET', '/v1/twins/line-1')).json).toEqual(stateBefore);
    const response = await fetch(`${h.service.url}/v1/admin/rebuild`, { method: 'POST' });
    const lines = (await response.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[lines.length - 1]).toMatchObject({
      phase: 'done',
      report: { verified: 2, mismatches: [], movedOn: [] },
    });
    expect((await h.infra.log.snapshots.loadLatest('@alerting'))?.state).toBeUndefined();
  });
});
