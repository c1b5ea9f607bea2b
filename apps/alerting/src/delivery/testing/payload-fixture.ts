import type { AlertMember, NotificationPayload } from '@twinlog/domain';

/** A member of an alert: an anomaly on `twinId`. */
export function memberFixture(
  twinId: string,
  index = 0,
): NotificationPayload['alert']['members'][number] {
  const member: AlertMember = {
    twinId,
    causeKey: `anomaly/${twinId}/range/temperature`,
    cause: {
      kind: 'anomaly',
      twinId,
      episodeId: `ep-${index}`,
      detector: 'range',
      properties: ['temperature'],
      severity: 'alarm',
      evidence: [{ property: 'temperature', observed: 92, expectedHigh: 80 }],
    },
    since: '2026-12-06T10:00:00.000Z',
    clearedAt: null,
  };
  const { causeKey: _key, ...shown } = member;
  return shown;
}

/** A notification about an opened alarm on one twin; override what a test is about. */
export function payloadFixture(
  overrides: Partial<Omit<NotificationPayload, 'alert'>> & {
    alert?: Partial<NotificationPayload['alert']>;
  } = {},
): NotificationPayload {
  const { alert, ...rest } = overrides;
  return {
    deliveryId: 'dlv-0123456789abcdef01234567',
    alertId: 'alr-1',
    transition: 'opened',
    at: '2026-12-06T10:00:01.000Z',
    actor: null,
    note: null,
    ...rest,
    alert: {
      status: 'open',
      severity: 'alarm',
      title: 'Temperature high on cnc-7',
      groupKey: 'line-1',
      subject: 'cnc-7',
      site: 'plant-a',
      openedAt: '2026-12-06T10:00:00.000Z',
      assignee: null,
      reopenCount: 0,
      members: [memberFixture('cnc-7')],
      ...alert,
    },
  };
}
