import { isTwinlogError } from '../errors';
import { AlertingHarness, aRule, t } from '../testing/alerting-fixtures';
import { deliveryIdOf } from './alert-ids';
import { DEFAULT_ALERT_RULE } from './alert-decision-types';
import type { MaintenancePriority } from '../events/twin-events';

function errorOf(
  fn: () => unknown,
): { code: string; details: Record<string, unknown> } | undefined {
  try {
    fn();
  } catch (error) {
    if (isTwinlogError(error)) return { code: error.code, details: error.details };
    throw error;
  }
  return undefined;
}

function withHook(): AlertingHarness {
  const h = new AlertingHarness();
  h.channel('hook');
  h.rule(aRule());
  return h;
}

describe('one alert per episode', () => {
  it('opens one alert for an anomaly episode, notifies once, and resolves it when the episode clears', () => {
    const h = withHook();
    h.twin('press-3', 'asset', null);
    h.anomaly('press-3', t(10));
    h.anomaly('press-3', t(11)); // the same episode again (another event): no second alert
    const [alert] = h.p.alerts();
    expect(h.p.alerts()).toHaveLength(1);
    expect(alert).toMatchObject({
      status: 'open',
      subject: 'press-3',
      severity: 'alarm',
      site: 'berlin',
    });
    expect(alert!.title).toBe('temperature anomaly on press-3 (alarm)');
    expect(h.queued('hook').map((e) => e.data.payload.transition)).toEqual(['opened']);

    h.cleared('press-3', t(20));
    expect(h.p.alert(alert!.alertId)).toMatchObject({
      status: 'resolved',
      resolved: { reason: 'cause-cleared', by: null },
    });
    expect(h.queued('hook').map((e) => e.data.payload.transition)).toEqual(['opened', 'resolved']);
  });

  it('decides nothing on a redelivered input event', () => {
    const h = withHook();
    h.twin('press-3', 'asset', null);
    const input = h.input(
      'AnomalyDetected',
      'press-3',
      {
        episodeId: 'ep-1',
        detector: 'zscore',
        properties: ['temperature'],
        score: 4,
        severity: 'warning',
        evidence: [],
      },
      t(1),
    );
    expect(h.on(input).length).toBeGreaterThan(0);
    h.cleared('press-3', t(2), 'ep-1');
    expect(h.on(input, t(3))).toEqual([]);
    expect(h.p.alerts()[0]!.status).toBe('resolved');
  });
});

describe('no storms: grouping under the nearest system', () => {
  it('a line-wide fault of 20 twins is one alert with 20 members and at most 2 notifications per channel', () => {
    const h = new AlertingHarness();
    h.channel('hook');
    h.channel('pager');
    h.rule(aRule());
    const presses = h.line('line-2', 20);
    presses.forEach((id, i) => h.anomaly(id, t(100 + i)));
    h.due(t(100 + 60));
    h.due(t(100 + 61));
    const alerts = h.p.alerts();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.members).toHaveLength(20);
    expect(alerts[0]).toMatchObject({
      subject: 'line-2',
      groupKey: 'line-2',
      title: 'anomaly: 20 twins under line-2 (alarm)',
    });
    expect(h.p.openAlertOf('line-2', 'anomaly')?.alertId).toBe(alerts[0]!.alertId);
    expect(h.p.groupUpdateHolds()).toEqual([]);
    for (const channel of ['hook', 'pager']) {
      const sent = h.queued(channel);
      expect(sent.map((e) => e.data.payload.transition)).toEqual(['opened', 'member-joined']);
      expect(sent[1]!.data.payload.alert.members).toHaveLength(20);
      expect(sent[1]!.data.notBefore).toBe(t(160));
    }
  });

  it('notifies a join at once when the group was last told longer ago than the hold', () => {
    const h = withHook();
    const [a, b] = h.line('line-1', 2);
    h.anomaly(a!, t(0));
    h.anomaly(b!, t(120));
    expect(h.queued().map((e) => e.data.payload.transition)).toEqual(['opened', 'member-joined']);
    expect(h.p.alerts()[0]!.title).toBe('anomaly: 2 twins under line-1 (alarm)');
  });

  it('titles a grouped silence "silent: N twins under <system>"', () => {
    const h = withHook();
    const presses = h.line('line-2', 7);
    const lastSeen = new Map(presses.map((id) => [id, t(0)]));
    h.silences(lastSeen, t(301));
    expect(h.p.alerts().map((a) => a.title)).toEqual(['silent: 7 twins under line-2']);
    const resumed = new Map(presses.map((id) => [id, t(400)]));
    h.silences(resumed, t(401));
    expect(h.p.alerts()[0]!.status).toBe('resolved');
  });
});

describe('flapping', () => {
  it('reopens an alert resolved within the hold-back and suppresses the reopen and the next resolve', () => {
    const h = withHook();
    h.twin('press-3', 'asset', null);
    h.anomaly('press-3', t(0), { episodeId: 'a' });
    h.cleared('press-3', t(30), 'a');
    h.anomaly('press-3', t(60), { episodeId: 'b' });
    h.cleared('press-3', t(90), 'b');
    const [alert] = h.p.alerts();
    expect(h.p.alerts()).toHaveLength(1);
    expect(alert).toMatchObject({ reopenCount: 1, status: 'resolved' });
    expect(alert!.suppressed.map((s) => [s.transition, s.reason])).toEqual([
      ['reopened', 'flapping'],
      ['resolved', 'flapping'],
    ]);
    expect(h.queued().map((e) => e.data.payload.transition)).toEqual(['opened', 'resolved']);
  });

  it('opens a new alert once the hold-back has passed', () => {
    const h = withHook();
    h.twin('press-3', 'asset', null);
    h.anomaly('press-3', t(0), { episodeId: 'a' });
    h.cleared('press-3', t(30), 'a');
    h.anomaly('press-3', t(30 + 600), { episodeId: 'b' });
    expect(h.p.alerts()).toHaveLength(2);
  });
});

describe('silences and maintenance windows', () => {
  it('a silence on the subtree suppresses notifications of a member and records it; the alert still opens', () => {
    const h = withHook();
    const [press] = h.line('line-2', 3);
    h.command(
      {
        kind: 'set-silence',
        silence: {
          silenceId: 's1',
          kind: 'silence',
          twinId: 'line-2',
          site: null,
          from: t(0),
          to: t(3600),
          reason: 'swap',
        },
      },
      t(0),
    );
    h.anomaly(press!, t(10));
    const [alert] = h.p.alerts();
    expect(alert!.status).toBe('open');
    expect(alert!.suppressed).toEqual([
      { transition: 'opened', at: t(10), reason: 'silence', channelId: null, silenceId: 's1' },
    ]);
    expect(h.queued()).toEqual([]);
  });

  it('a maintenance window on a site suppresses with its own reason; after it ends notifications flow', () => {
    const h = withHook();
    h.twin('press-9', 'asset', null, 'hamburg');
    h.command(
      {
        kind: 'set-silence',
        silence: {
          silenceId: 'mw',
          kind: 'maintenance-window',
          twinId: null,
          site: 'hamburg',
          from: t(0),
          to: t(100),
          reason: 'shutdown',
        },
      },
      t(0),
    );
    h.anomaly('press-9', t(10));
    expect(h.p.alerts()[0]!.suppressed[0]).toMatchObject({
      reason: 'maintenance-window',
      silenceId: 'mw',
    });
    h.cleared('press-9', t(200));
    expect(h.queued().map((e) => e.data.payload.transition)).toEqual(['resolved']);
  });

  it('a lifted silence no longer suppresses', () => {
    const h = withHook();
    h.twin('press-1', 'asset', null);
    h.command(
      {
        kind: 'set-silence',
        silence: {
          silenceId: 's1',
          kind: 'silence',
          twinId: 'press-1',
          site: null,
          from: t(0),
          to: t(3600),
          reason: 'r',
        },
      },
      t(0),
    );
    h.command({ kind: 'lift-silence', silenceId: 's1' }, t(5));
    h.anomaly('press-1', t(10));
    expect(h.queued()).toHaveLength(1);
    expect(h.p.silence('s1')).toMatchObject({
      liftedAt: t(5),
      liftedBy: 'key:ops',
      createdBy: 'key:ops',
    });
  });
});

describe('escalation', () => {
  function escalating(): { h: AlertingHarness; alertId: string } {
    const h = new AlertingHarness();
    h.channel('hook');
    h.channel('pager');
    h.rule(
      aRule({
        channels: ['hook'],
        escalation: [
          { afterMinutes: 15, channels: ['pager'] },
          { afterMinutes: 30, channels: ['pager'] },
        ],
      }),
    );
    h.twin('press-3', 'asset', null);
    h.anomaly('press-3', t(0));
    return { h, alertId: h.p.alerts()[0]!.alertId };
  }

  it('fires each step when nobody acknowledged, notifying only the step channels, once', () => {
    const { h, alertId } = escalating();
    h.due(t(14 * 60));
    expect(h.ofType('AlertEscalated')).toHaveLength(0);
    h.due(t(15 * 60));
    h.due(t(16 * 60));
    expect(h.ofType('AlertEscalated').map((e) => e.data.step)).toEqual([1]);
    expect(h.queued('pager').map((e) => e.data.payload.transition)).toEqual(['escalated']);
    h.due(t(31 * 60));
    expect(h.p.alert(alertId)!.escalations).toBe(2);
  });

  it('does not fire when someone acknowledged before the step', () => {
    const { h, alertId } = escalating();
    h.command({ kind: 'acknowledge', alertId, note: 'on it' }, t(60), 'token:ana');
    h.due(t(60 * 60));
    expect(h.ofType('AlertEscalated')).toHaveLength(0);
    expect(h.p.alert(alertId)!.acknowledged).toEqual({ at: t(60), by: 'token:ana', note: 'on it' });
    expect(h.queued('hook').map((e) => [e.data.payload.transition, e.data.payload.actor])).toEqual([
      ['opened', null],
      ['acknowledged', 'token:ana'],
    ]);
  });
});

describe('quiet hours', () => {
  const quiet = {
    from: '22:00',
    to: '06:00',
    timeZone: 'Europe/Berlin',
    allowSeverity: 'critical' as const,
  };

  it('holds a notification below the allowed severity until the end in the zone, over midnight', () => {
    const h = new AlertingHarness();
    h.channel('hook');
    h.rule(aRule({ quietHours: quiet }));
    h.twin('press-3', 'asset', null);
    // 23:30 in Berlin (UTC+1 in December): held until 06:00 local = 05:00Z the next day.
    h.anomaly('press-3', '2026-12-06T22:30:00.000Z');
    const [queued] = h.queued();
    expect(queued!.data.notBefore).toBe('2026-12-07T05:00:00.000Z');
    expect(h.p.alerts()[0]!.suppressed[0]).toMatchObject({
      reason: 'quiet-hours',
      channelId: 'hook',
    });
    expect(h.p.dueDeliveries('2026-12-07T04:59:59.000Z')).toEqual([]);
    expect(h.p.nextDeliveryAt()).toBe('2026-12-07T05:00:00.000Z');
    expect(h.p.dueDeliveries('2026-12-07T05:00:00.000Z').map((d) => d.view.deliveryId)).toEqual([
      queued!.data.deliveryId,
    ]);
  });

  it('ends at 06:00 summer time across the spring DST change', () => {
    const h = new AlertingHarness();
    h.channel('hook');
    h.rule(aRule({ quietHours: quiet }));
    h.twin('press-3', 'asset', null);
    // 2026-03-29 00:30 CET (23:30Z); clocks go 02:00 → 03:00; 06:00 CEST is 04:00Z.
    h.anomaly('press-3', '2026-03-28T23:30:00.000Z');
    expect(h.queued()[0]!.data.notBefore).toBe('2026-03-29T04:00:00.000Z');
  });

  it('sends at once at or above the allowed severity, and outside the hours', () => {
    const h = new AlertingHarness();
    h.channel('hook');
    h.rule(aRule({ quietHours: quiet }));
    h.twin('a', 'asset', null).twin('b', 'asset', null);
    h.anomaly('a', '2026-12-06T22:30:00.000Z', { severity: 'critical' });
    h.anomaly('b', '2026-12-06T12:00:00.000Z', { severity: 'warning' });
    expect(h.queued().map((e) => e.data.notBefore)).toEqual([
      '2026-12-06T22:30:00.000Z',
      '2026-12-06T12:00:00.000Z',
    ]);
  });

  it('supersedes held deliveries of an alert that resolved meanwhile (resolved-while-held)', () => {
    const h = new AlertingHarness();
    h.channel('hook');
    h.rule(aRule({ quietHours: quiet }));
    h.twin('press-3', 'asset', null);
    h.anomaly('press-3', '2026-12-06T22:30:00.000Z');
    h.cleared('press-3', '2026-12-06T23:00:00.000Z');
    h.due('2026-12-06T23:00:01.000Z');
    expect(h.p.deliveries().map((d) => [d.transition, d.status])).toEqual([
      ['opened', 'superseded'],
      ['resolved', 'superseded'],
    ]);
    expect(
      h.p.alerts()[0]!.suppressed.filter((s) => s.reason === 'resolved-while-held'),
    ).toHaveLength(2);
    expect(h.p.dueDeliveries('2026-12-07T06:00:00.000Z')).toEqual([]);
  });
});

describe('quiet hours after a delivered notice', () => {
  it('keeps the held resolve notice of an alert whose opening reached the channel', () => {
    const h = new AlertingHarness();
    h.channel('hook');
    h.rule(
      aRule({
        quietHours: {
          from: '22:00',
          to: '06:00',
          timeZone: 'Europe/Berlin',
          allowSeverity: 'critical',
        },
      }),
    );
    h.twin('press-3', 'asset', null);
    h.anomaly('press-3', '2026-12-06T20:00:00.000Z'); // 21:00 in Berlin: sent at once
    h.outcome(
      h.queued()[0]!.data.deliveryId,
      { ok: true, status: 200 },
      '2026-12-06T20:00:01.000Z',
    );
    h.cleared('press-3', '2026-12-06T22:00:00.000Z'); // 23:00: held until 06:00
    h.due('2026-12-06T22:00:01.000Z');
    expect(h.p.deliveries().map((d) => [d.transition, d.status, d.notBefore])).toEqual([
      ['opened', 'delivered', '2026-12-06T20:00:00.000Z'],
      ['resolved', 'pending', '2026-12-07T05:00:00.000Z'],
    ]);
  });
});

describe('commands', () => {
  function oneAlert(): { h: AlertingHarness; alertId: string } {
    const h = withHook();
    h.twin('press-3', 'asset', null);
    h.anomaly('press-3', t(0));
    return { h, alertId: h.p.alerts()[0]!.alertId };
  }

  it('acknowledge twice is ALERT_ALREADY_ACKNOWLEDGED; unknown is ALERT_NOT_FOUND; resolved is ALERT_RESOLVED', () => {
    const { h, alertId } = oneAlert();
    h.command({ kind: 'acknowledge', alertId, note: null }, t(1));
    expect(errorOf(() => h.command({ kind: 'acknowledge', alertId, note: null }, t(2)))?.code).toBe(
      'ALERT_ALREADY_ACKNOWLEDGED',
    );
    expect(
      errorOf(() => h.command({ kind: 'acknowledge', alertId: 'nope', note: null }, t(2)))?.code,
    ).toBe('ALERT_NOT_FOUND');
    h.command({ kind: 'resolve', alertId, note: 'fixed' }, t(3), 'token:bo');
    expect(h.p.alert(alertId)!.resolved).toEqual({
      at: t(3),
      by: 'token:bo',
      reason: 'by-hand',
      note: 'fixed',
    });
    for (const command of [
      { kind: 'acknowledge' as const, alertId, note: null },
      { kind: 'assign' as const, alertId, assignee: 'x', note: null },
      { kind: 'resolve' as const, alertId, note: null },
    ]) {
      expect(errorOf(() => h.command(command, t(4)))?.code).toBe('ALERT_RESOLVED');
    }
  });

  it('assign then acknowledge keeps the alert assigned', () => {
    const { h, alertId } = oneAlert();
    h.command({ kind: 'assign', alertId, assignee: 'ana', note: null }, t(1));
    h.command({ kind: 'acknowledge', alertId, note: null }, t(2));
    expect(h.p.alert(alertId)).toMatchObject({
      status: 'assigned',
      assignee: { to: 'ana', by: 'key:ops' },
    });
    expect(h.p.alert(alertId)!.history.map((x) => x.transition)).toEqual([
      'opened',
      'assigned',
      'acknowledged',
    ]);
  });

  it('a retried command decides the same ids', () => {
    const { h, alertId } = oneAlert();
    const { decideCommand } = jest.requireActual(
      './alert-decisions',
    ) as typeof import('./alert-decisions');
    const a = decideCommand(
      h.p,
      h.twins,
      { kind: 'acknowledge', alertId, note: null },
      'c-9',
      'key:x',
      t(1),
      h.s,
    );
    const b = decideCommand(
      h.p,
      h.twins,
      { kind: 'acknowledge', alertId, note: null },
      'c-9',
      'key:x',
      t(1),
      h.s,
    );
    expect(b).toEqual(a);
    expect(a.map((e) => e.type)).toEqual(['AlertAcknowledged', 'AlertNotificationQueued']);
  });

  it('validates rules: unknown channels, bad time zone, unordered steps → RULE_INVALID', () => {
    const h = withHook();
    const error = errorOf(() =>
      h.rule(
        aRule({
          ruleId: 'bad',
          channels: ['hook', 'ghost'],
          quietHours: {
            from: '22:00',
            to: '06:00',
            timeZone: 'Mars/Olympus',
            allowSeverity: 'critical',
          },
          escalation: [
            { afterMinutes: 30, channels: ['hook'] },
            { afterMinutes: 15, channels: ['*'] },
          ],
        }),
      ),
    );
    expect(error?.code).toBe('RULE_INVALID');
    expect((error?.details['problems'] as string[]).join('\n')).toMatch(
      /ghost[\s\S]*Mars\/Olympus[\s\S]*escalation\[1\]/,
    );
    expect(errorOf(() => h.command({ kind: 'delete-rule', ruleId: 'nope' }, t(1)))?.code).toBe(
      'RULE_NOT_FOUND',
    );
  });

  it('deleting a channel a rule names is CHANNEL_IN_USE; unknown is CHANNEL_NOT_FOUND', () => {
    const h = withHook();
    h.channel('pager');
    h.rule(aRule({ ruleId: 'r2', channels: ['pager'] }));
    expect(errorOf(() => h.command({ kind: 'delete-channel', channelId: 'pager' }, t(1)))).toEqual({
      code: 'CHANNEL_IN_USE',
      details: { channelId: 'pager', ruleIds: ['r2'] },
    });
    h.command({ kind: 'delete-rule', ruleId: 'r2' }, t(2));
    h.command({ kind: 'delete-channel', channelId: 'pager' }, t(3));
    expect(h.p.channels().map((c) => c.channelId)).toEqual(['hook']);
    expect(h.p.channel('pager')).toMatchObject({ deleted: true, sealedTarget: 'sealed' });
    expect(
      errorOf(() => h.command({ kind: 'delete-channel', channelId: 'pager' }, t(4)))?.code,
    ).toBe('CHANNEL_NOT_FOUND');
  });

  it('validates silences: from < to, to in the future, exactly one of twin or site', () => {
    const h = withHook();
    const silence = {
      silenceId: 's',
      kind: 'silence' as const,
      twinId: 'a',
      site: null,
      from: t(0),
      to: t(60),
      reason: '',
    };
    const set = (
      over: Partial<typeof silence> | Record<string, unknown>,
      now = t(1),
    ): string | undefined =>
      errorOf(() =>
        h.command({ kind: 'set-silence', silence: { ...silence, ...over } as typeof silence }, now),
      )?.code;
    expect(set({ from: t(60), to: t(0) })).toBe('SILENCE_INVALID');
    expect(set({}, t(120))).toBe('SILENCE_INVALID');
    expect(set({ site: 'berlin' })).toBe('SILENCE_INVALID');
    expect(set({ twinId: null })).toBe('SILENCE_INVALID');
    expect(set({ from: '2026-02-30T00:00:00Z' })).toBe('SILENCE_INVALID');
    expect(set({})).toBeUndefined();
    expect(errorOf(() => h.command({ kind: 'lift-silence', silenceId: 'nope' }, t(1)))?.code).toBe(
      'SILENCE_NOT_FOUND',
    );
  });
});

describe('deliveries', () => {
  function queuedDelivery(): { h: AlertingHarness; deliveryId: string } {
    const h = withHook();
    h.twin('press-3', 'asset', null);
    h.anomaly('press-3', t(0));
    return { h, deliveryId: h.queued()[0]!.data.deliveryId };
  }

  it('derives the delivery id from the transition and the channel', () => {
    const { h, deliveryId } = queuedDelivery();
    const queued = h.queued()[0]!;
    expect(deliveryId).toBe(deliveryIdOf(queued.data.transitionEventId, 'hook'));
    expect(deliveryId).toMatch(/^dlv-[0-9a-f]{24}$/);
    expect(queued.data.payload.deliveryId).toBe(deliveryId);
  });

  it('backs off with jitter, honours Retry-After, and is delivered', () => {
    const { h, deliveryId } = queuedDelivery();
    h.outcome(deliveryId, { ok: false, status: 503, error: 'HTTP 503', permanent: false }, t(1), 0);
    expect(h.p.delivery(deliveryId)).toMatchObject({
      attempts: 1,
      nextAttemptAt: t(2),
      status: 'pending',
    });
    h.outcome(
      deliveryId,
      { ok: false, status: 503, error: 'HTTP 503', permanent: false },
      t(2),
      0.999999,
    );
    expect(Date.parse(h.p.delivery(deliveryId)!.nextAttemptAt!) - Date.parse(t(2))).toBeCloseTo(
      4000,
      -1,
    );
    h.outcome(
      deliveryId,
      { ok: false, status: 429, error: 'HTTP 429', permanent: false, retryAfterSeconds: 120 },
      t(10),
      0,
    );
    expect(h.p.delivery(deliveryId)!.nextAttemptAt).toBe(t(130));
    expect(h.p.dueDeliveries(t(129))).toEqual([]);
    expect(h.p.dueDeliveries(t(130))).toHaveLength(1);
    h.outcome(deliveryId, { ok: true, status: 204 }, t(130));
    expect(h.p.delivery(deliveryId)).toMatchObject({
      status: 'delivered',
      attempts: 4,
      deliveredAt: t(130),
      lastStatus: 204,
    });
    expect(h.p.nextDeliveryAt()).toBeNull();
  });

  it('is dead at once when refused for good, and dead after the retry window; redeliver requeues only a dead one', () => {
    const { h, deliveryId } = queuedDelivery();
    expect(errorOf(() => h.command({ kind: 'redeliver', deliveryId }, t(1)))?.code).toBe(
      'DELIVERY_NOT_DEAD',
    );
    h.outcome(deliveryId, { ok: false, status: 410, error: 'Gone', permanent: true }, t(1));
    expect(h.p.delivery(deliveryId)).toMatchObject({
      status: 'dead',
      attempts: 1,
      lastError: 'Gone',
      deadAt: t(1),
    });

    h.command({ kind: 'redeliver', deliveryId }, t(100));
    expect(h.p.delivery(deliveryId)).toMatchObject({
      status: 'pending',
      deadAt: null,
      nextAttemptAt: t(100),
    });
    h.outcome(
      deliveryId,
      { ok: false, status: null, error: 'ECONNREFUSED', permanent: false },
      t(200),
    );
    expect(h.p.delivery(deliveryId)).toMatchObject({ status: 'pending', attempts: 2 });
    // The window restarted at the requeue (t(100)): still retrying a day later minus a second...
    h.outcome(
      deliveryId,
      { ok: false, status: null, error: 'ECONNREFUSED', permanent: false },
      t(100 + 86_399),
    );
    expect(h.p.delivery(deliveryId)!.nextAttemptAt).toBe(t(100 + 86_400));
    // ...and dead once it is over.
    h.outcome(
      deliveryId,
      { ok: false, status: 500, error: 'HTTP 500', permanent: false },
      t(100 + 86_400),
    );
    expect(h.p.delivery(deliveryId)).toMatchObject({
      status: 'dead',
      attempts: 4,
      lastError: 'HTTP 500',
    });
    expect(errorOf(() => h.command({ kind: 'redeliver', deliveryId: 'dlv-x' }, t(1)))?.code).toBe(
      'DELIVERY_NOT_FOUND',
    );
  });
});

describe('maintenance predictions', () => {
  const prediction = (
    rulLowHours: number,
    healthIndex: number,
    priority: MaintenancePriority = 'high',
  ) => ({
    healthIndex,
    rulHours: rulLowHours * 2,
    rulLowHours,
    rulHighHours: rulLowHours * 3,
    basis: 'tool_wear',
    model: 'linear',
    priority,
    window: { from: t(0), to: t(3600) },
  });

  it('opens on a crossed threshold with its severity, holds within the hysteresis, clears beyond it', () => {
    const h = withHook();
    h.twin('tool-1', 'component', null);
    h.on(h.input('MaintenancePredicted', 'tool-1', prediction(20, 80, 'critical'), t(0)));
    expect(h.p.alerts()[0]).toMatchObject({
      severity: 'critical',
      title: 'maintenance due on tool-1: remaining life P10 20 h (critical)',
    });
    h.on(h.input('MaintenancePredicted', 'tool-1', prediction(75, 80), t(10)));
    expect(h.p.alerts()[0]!.status).toBe('open');
    h.on(h.input('MaintenancePredicted', 'tool-1', prediction(80, 80), t(20)));
    expect(h.p.alerts()[0]!.status).toBe('resolved');
  });

  it.each(['low', 'medium', 'high'] as const)(
    "pages critical only when the planner says so: a P10 of minutes, priority %s, is an alarm",
    (priority) => {
      // A demo tool's whole life is about an hour: any trend puts its P10 under 24 h, while the
      // planner, weighing it against a 15-minute job, may still have time in hand.
      const h = withHook();
      h.twin('tool-1', 'component', null);
      h.on(h.input('MaintenancePredicted', 'tool-1', prediction(0.2, 80, priority), t(0)));
      expect(h.p.alerts()[0]).toMatchObject({
        severity: 'alarm',
        members: [{ cause: { kind: 'maintenance', measure: 'rul-p10', severity: 'alarm' } }],
      });
    },
  );

  it("maintenance performed clears the twin's maintenance causes; retiring clears all its causes", () => {
    const h = withHook();
    h.twin('tool-1', 'component', null);
    h.on(h.input('MaintenancePredicted', 'tool-1', prediction(500, 10), t(0)));
    h.anomaly('tool-1', t(1));
    expect(h.p.alerts().map((a) => a.status)).toEqual(['open', 'open']);
    h.on(
      h.input(
        'MaintenancePerformed',
        'tool-1',
        { kind: 'tool-replaced', performedAt: t(2), resets: [], componentId: null, notes: null },
        t(2),
      ),
    );
    expect(h.p.alerts().map((a) => [a.members[0]!.cause.kind, a.status])).toEqual([
      ['anomaly', 'open'],
      ['maintenance', 'resolved'],
    ]);
    h.on(h.input('TwinRetired', 'tool-1', { reason: 'scrapped' }, t(3)));
    expect(h.p.alerts().every((a) => a.status === 'resolved')).toBe(true);
  });
});

describe('rule matching', () => {
  it('routes by subtree, site, twin type, property, cause and severity; one delivery per channel', () => {
    const h = new AlertingHarness();
    h.channel('a');
    h.channel('b');
    h.line('line-1', 1);
    h.twin('far', 'asset', null, 'hamburg', 'pump');
    h.rule(aRule({ ruleId: 'sub', channels: ['a'], match: { subtree: 'line-1' } }));
    h.rule(
      aRule({
        ruleId: 'site',
        channels: ['a', 'b'],
        match: { sites: ['hamburg'], twinTypes: ['pump'] },
      }),
    );
    h.rule(
      aRule({
        ruleId: 'prop',
        channels: ['b'],
        match: { properties: ['vibration'], minSeverity: 'critical', causes: ['anomaly'] },
      }),
    );
    h.anomaly('line-1-press-1', t(0));
    h.anomaly('far', t(0));
    // A second cause on the same twin joins its open alert; the joined notice waits for the hold.
    h.anomaly('far', t(1), { episodeId: 'v', properties: ['vibration'], severity: 'critical' });
    h.due(t(60));
    expect(
      h
        .queued()
        .map((e) => [
          e.data.payload.transition,
          e.data.payload.alert.subject,
          e.data.channelId,
          e.data.ruleId,
        ]),
    ).toEqual([
      ['opened', 'line-1-press-1', 'a', 'sub'],
      ['opened', 'far', 'a', 'site'],
      ['opened', 'far', 'b', 'site'],
      // Rules are visited by id: 'prop' now matches too and takes channel b first.
      ['member-joined', 'far', 'a', 'site'],
      ['member-joined', 'far', 'b', 'prop'],
    ]);
  });
});

describe('edges', () => {
  it('refuses a rule of the wrong shape with RULE_INVALID rather than breaking later decisions', () => {
    const h = withHook();
    const broken = {
      ...aRule({ ruleId: 'x' }),
      match: { minSeverity: 'info' },
    } as unknown as ReturnType<typeof aRule>;
    expect(errorOf(() => h.rule(broken))?.code).toBe('RULE_INVALID');
    h.twin('a', 'asset', null);
    expect(() => h.anomaly('a', t(1))).not.toThrow();
  });

  it('keeps a title within the schema bound', () => {
    const h = withHook();
    h.twin('a', 'asset', null);
    h.anomaly('a', t(1), { properties: Array.from({ length: 100 }, (_, i) => `property_${i}`) });
    expect(h.p.alerts()[0]!.title.length).toBeLessThanOrEqual(500);
  });

  it('counts escalation steps from a reopening', () => {
    const h = new AlertingHarness();
    h.channel('hook');
    h.rule(aRule({ escalation: [{ afterMinutes: 5, channels: ['hook'] }] }));
    h.twin('a', 'asset', null);
    h.anomaly('a', t(0), { episodeId: 'x' });
    const alertId = h.p.alerts()[0]!.alertId;
    h.command({ kind: 'acknowledge', alertId, note: null }, t(60));
    h.cleared('a', t(120), 'x');
    h.anomaly('a', t(240), { episodeId: 'y' }); // reopened (flapping) at 4 min
    h.due(t(300)); // 5 min after opening, 1 min after reopening: not yet
    expect(h.ofType('AlertEscalated')).toHaveLength(0);
    h.due(t(240 + 300));
    expect(h.ofType('AlertEscalated')).toHaveLength(1);
  });

  it('sets the default rule of the embedded demo with a fixed id', () => {
    const h = new AlertingHarness();
    expect(h.p.everSetRule).toBe(false);
    h.rule(DEFAULT_ALERT_RULE);
    expect(h.p.everSetRule).toBe(true);
    h.command({ kind: 'delete-rule', ruleId: 'default' }, t(1));
    expect(h.p.everSetRule).toBe(true);
  });

  it('a cause resolved by hand stays resolved while it lasts, and a later occurrence opens again', () => {
    const h = withHook();
    h.twin('press-1', 'asset', null);
    const silentSince = new Map([['press-1', t(0)]]);
    h.silences(silentSince, t(301));
    const alertId = h.p.alerts()[0]!.alertId;
    h.command({ kind: 'resolve', alertId, note: 'known: unplugged' }, t(310));
    h.silences(silentSince, t(320));
    h.silences(silentSince, t(900));
    expect(h.p.alerts().map((a) => [a.status, a.reopenCount])).toEqual([['resolved', 0]]);
    // Readings resume (the cause clears on the resolved alert), then it goes silent again.
    h.silences(new Map([['press-1', t(1000)]]), t(1001));
    expect(h.p.alert(alertId)!.members[0]!.clearedAt).toBe(t(1001));
    h.silences(new Map([['press-1', t(1000)]]), t(1400));
    expect(h.p.alerts()).toHaveLength(2);
  });

  it('an anomaly episode resolved by hand does not come back on a prediction tick; a new episode of the cause does', () => {
    const h = withHook();
    h.twin('press-1', 'asset', null);
    h.anomaly('press-1', t(0), { episodeId: 'a' });
    const alertId = h.p.alerts()[0]!.alertId;
    h.command({ kind: 'resolve', alertId, note: null }, t(10));
    h.anomaly('press-1', t(20), { episodeId: 'a' }); // the same episode reported again
    expect(h.p.alerts().map((a) => a.status)).toEqual(['resolved']);
    h.anomaly('press-1', t(2000), { episodeId: 'b' }); // its clear was lost; a new episode
    expect(h.p.alerts().map((a) => a.status)).toEqual(['open', 'resolved']);
  });
});
