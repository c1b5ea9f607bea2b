import type { AlertView, DecidedAlertEvent, EventEnvelope } from '@twinlog/domain';
import { alertLogLines } from './alert-log-lines';
import { matchingAlerts, matchingDeliveries } from './alert-queries';
import { producerOf, recordedEnvelopes, stampAlertEvents } from './stamp-alert-events';

const decided: DecidedAlertEvent = {
  id: 'ep-1/detected/opened',
  twinId: 'line-1',
  occurredAt: '2026-12-06T10:00:00.000Z',
  causationId: 'ep-1/detected',
  type: 'AlertAcknowledged',
  data: { alertId: 'alt-1', note: null },
};

describe('stamping decided alert events', () => {
  it('names who decided: Twinlog, or the person through the API', () => {
    expect(producerOf(null)).toBe('alerting');
    expect(producerOf('key:k1')).toBe('alerting/key:k1');
  });

  it("keeps the core's id, time and cause, and correlates with the cause when nothing else does", () => {
    const [event] = stampAlertEvents([decided], {
      recordedAt: '2026-12-06T10:00:01.000Z',
      producer: 'alerting',
      correlationId: null,
    });
    expect(event).toMatchObject({
      id: 'ep-1/detected/opened',
      twinId: 'line-1',
      occurredAt: '2026-12-06T10:00:00.000Z',
      recordedAt: '2026-12-06T10:00:01.000Z',
      causationId: 'ep-1/detected',
      correlationId: 'ep-1/detected',
      producer: 'alerting',
      schemaVersion: 1,
    });
    const [command] = stampAlertEvents([decided], {
      recordedAt: '2026-12-06T10:00:01.000Z',
      producer: 'alerting/key:k1',
      correlationId: 'cmd-1',
    });
    expect(command!.correlationId).toBe('cmd-1');
  });

  it('applies only what the log recorded, at its revision (offset + 1)', () => {
    const events = stampAlertEvents([decided, { ...decided, id: 'dup' }], {
      recordedAt: '2026-12-06T10:00:01.000Z',
      producer: 'alerting',
      correlationId: null,
    });
    const recorded = recordedEnvelopes(events, [
      { id: decided.id, position: { stream: 'alerts', partition: 2, offset: 41 } },
    ]);
    expect(recorded.map((e) => [e.id, e.revision])).toEqual([[decided.id, 42]]);
  });
});

describe('the lines the service logs', () => {
  const envelope = (event: Partial<EventEnvelope> & Pick<EventEnvelope, 'type' | 'data'>) =>
    ({ producer: 'alerting', ...event }) as EventEnvelope;

  it('says in plain words what opened, resolved (and by whom) and died, and nothing of a target', () => {
    const lines = alertLogLines([
      envelope({
        type: 'AlertOpened',
        data: {
          alertId: 'alt-1',
          groupKey: 'line-1',
          severity: 'alarm',
          title: 'limits on line-1-m01: temperature',
          site: null,
          member: {
            twinId: 'line-1-m01',
            causeKey: 'k',
            since: '2026-12-06T10:00:00.000Z',
            clearedAt: null,
            cause: {
              kind: 'anomaly',
              twinId: 'line-1-m01',
              episodeId: 'ep-1',
              detector: 'limits',
              properties: ['temperature'],
              severity: 'alarm',
              evidence: [],
            },
          },
        },
      }),
      envelope({
        type: 'AlertResolved',
        producer: 'alerting/key:k1',
        data: { alertId: 'alt-1', reason: 'by-hand', note: null },
      }),
      envelope({
        type: 'AlertChannelCreated',
        data: {
          channelId: 'ch-1',
          name: 'x',
          kind: 'webhook',
          sealedTarget: 'v1.sealed',
          display: 'https://hooks.example.com',
        },
      }),
      envelope({
        type: 'AlertDeliveryDead',
        data: { deliveryId: 'dlv-1', alertId: 'alt-1', attempts: 7, lastError: 'HTTP 500' },
      }),
    ]);
    expect(lines).toEqual([
      {
        level: 'log',
        line: 'alert alt-1 opened: limits on line-1-m01: temperature (alarm, anomaly on line-1-m01)',
      },
      { level: 'log', line: 'alert alt-1 resolved (by key:k1)' },
      {
        level: 'warn',
        line: 'delivery dlv-1 of alert alt-1 is dead after 7 attempts: HTTP 500 (redeliver with POST /v1/alert-deliveries/dlv-1/redeliver)',
      },
    ]);
  });
});

describe('filtering alerts and deliveries', () => {
  const alert = (alertId: string, extra: Partial<AlertView>) =>
    ({
      alertId,
      status: 'open',
      severity: 'warning',
      subject: alertId,
      site: 'plant-a',
      members: [],
      ...extra,
    }) as AlertView;
  const alerts = [
    alert('a', { severity: 'critical', site: 'plant-b' }),
    alert('b', { status: 'resolved', members: [{ twinId: 'm1' } as AlertView['members'][0]] }),
    alert('c', { severity: 'info', site: null }),
  ];
  const ids = (list: AlertView[]) => list.map((a) => a.alertId);

  it('by status, severity at least, site, subject or member, and the caller sites', () => {
    expect(ids(matchingAlerts(alerts, {}, undefined))).toEqual(['a', 'b', 'c']);
    expect(ids(matchingAlerts(alerts, { status: ['open'] }, undefined))).toEqual(['a', 'c']);
    expect(ids(matchingAlerts(alerts, { minSeverity: 'warning' }, undefined))).toEqual(['a', 'b']);
    expect(ids(matchingAlerts(alerts, { twinId: 'm1' }, undefined))).toEqual(['b']);
    expect(ids(matchingAlerts(alerts, { site: 'plant-b' }, undefined))).toEqual(['a']);
    expect(ids(matchingAlerts(alerts, {}, (site) => site === 'plant-a'))).toEqual(['b']);
  });

  it("shows a delivery only with its alert's site", () => {
    const delivery = { deliveryId: 'd', alertId: 'a', channelId: 'ch', status: 'pending' };
    const siteOf = (id: string) => alerts.find((a) => a.alertId === id)?.site;
    const list = [delivery] as unknown as Parameters<typeof matchingDeliveries>[0];
    expect(matchingDeliveries(list, {}, siteOf, (s) => s === 'plant-a')).toEqual([]);
    expect(matchingDeliveries(list, { status: 'pending' }, siteOf, undefined)).toHaveLength(1);
    expect(matchingDeliveries(list, { channelId: 'other' }, siteOf, undefined)).toHaveLength(0);
  });
});
