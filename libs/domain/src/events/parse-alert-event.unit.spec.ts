import { isTwinlogError, type TwinlogError } from '../errors';
import { at } from '../testing/fixtures';
import { parseEvent } from './parse-event';
import { CURRENT_SCHEMA_VERSION, isAlertEvent, streamOf, type TwinEventType } from './twin-events';

// The alerts stream's events (docs/adr/0019) as read back from a log: every type round-trips,
// and what a hostile or broken writer could put in one is refused with EVENT_INVALID naming
// the field, as for every other event.

const envelope = (type: TwinEventType, data: unknown) => ({
  id: `evt-${type}`,
  twinId: 'line-1',
  type,
  schemaVersion: CURRENT_SCHEMA_VERSION[type],
  revision: 7,
  occurredAt: at(10),
  recordedAt: at(11),
  correlationId: 'corr-1',
  causationId: 'evt-cause',
  producer: 'alerting/key:abcdef0123456789',
  data,
});

const member = {
  twinId: 'mill-1',
  causeKey: 'anomaly/mill-1/range/temperature',
  cause: {
    kind: 'anomaly',
    twinId: 'mill-1',
    episodeId: 'ep-1',
    detector: 'range',
    properties: ['temperature'],
    severity: 'alarm',
    evidence: [{ property: 'temperature', observed: 91.5, expectedHigh: 80 }],
  },
  since: at(5),
  clearedAt: null,
};
const maintenanceMember = {
  twinId: 'spindle-1',
  causeKey: 'maintenance/spindle-1/rul-p10',
  cause: {
    kind: 'maintenance',
    twinId: 'spindle-1',
    measure: 'rul-p10',
    value: 20,
    threshold: 72,
    severity: 'critical',
    predictionEventId: 'evt-p',
  },
  since: at(6),
  clearedAt: null,
};
const silentMember = {
  twinId: 'press-1',
  causeKey: 'silence/press-1',
  cause: {
    kind: 'silence',
    twinId: 'press-1',
    lastReadingAt: null,
    silentForSeconds: 300,
    severity: 'warning',
  },
  since: at(7),
  clearedAt: at(9),
};
const rule = {
  ruleId: 'rule-1',
  name: 'night shift',
  match: {
    minSeverity: 'warning',
    causes: ['anomaly', 'silence'],
    twinTypes: [],
    sites: ['plant-a'],
    subtree: 'line-1',
    properties: [],
  },
  channels: ['ch-1'],
  quietHours: { from: '22:00', to: '06:00', timeZone: 'Europe/Berlin', allowSeverity: 'critical' },
  escalation: [{ afterMinutes: 15, channels: ['ch-2'] }],
  enabled: true,
};
const payload = {
  deliveryId: 'dlv-0123456789abcdef01234567',
  alertId: 'alert-1',
  transition: 'opened',
  at: at(10),
  actor: null,
  note: null,
  alert: {
    status: 'open',
    severity: 'alarm',
    title: 'mill-1: temperature out of range',
    groupKey: 'line-1',
    subject: 'mill-1',
    site: 'plant-a',
    openedAt: at(10),
    assignee: null,
    reopenCount: 0,
    members: [{ twinId: 'mill-1', cause: member.cause, since: at(5), clearedAt: null }],
  },
};

/** One valid payload of every alert event type. */
const VALID: Array<[TwinEventType, unknown]> = [
  [
    'AlertOpened',
    {
      alertId: 'alert-1',
      groupKey: 'line-1',
      severity: 'alarm',
      title: 'hot',
      site: 'plant-a',
      member,
    },
  ],
  ['AlertMemberJoined', { alertId: 'alert-1', member: maintenanceMember }],
  ['AlertMemberJoined', { alertId: 'alert-1', member: silentMember }],
  ['AlertMemberCleared', { alertId: 'alert-1', causeKey: member.causeKey, clearedAt: at(12) }],
  [
    'AlertSeverityRaised',
    {
      alertId: 'alert-1',
      causeKey: member.causeKey,
      severity: 'critical',
      evidence: [{ property: 'temperature', observed: 130, expectedHigh: 95 }],
    },
  ],
  ['AlertAcknowledged', { alertId: 'alert-1', note: 'on it' }],
  ['AlertAssigned', { alertId: 'alert-1', assignee: 'maria', note: null }],
  ['AlertEscalated', { alertId: 'alert-1', step: 1, channels: ['ch-2'] }],
  ['AlertResolved', { alertId: 'alert-1', reason: 'by-hand', note: 'fan replaced' }],
  ['AlertReopened', { alertId: 'alert-1', member, reopenCount: 1 }],
  [
    'AlertNotificationQueued',
    {
      deliveryId: payload.deliveryId,
      alertId: 'alert-1',
      transitionEventId: 'evt-AlertOpened',
      channelId: 'ch-1',
      ruleId: 'rule-1',
      notBefore: at(10),
      payload,
    },
  ],
  [
    'AlertNotificationSuppressed',
    {
      alertId: 'alert-1',
      transitionEventId: 'evt-AlertOpened',
      transition: 'opened',
      channelId: null,
      ruleId: null,
      reason: 'silence',
      silenceId: 'sil-1',
    },
  ],
  [
    'AlertDeliveryAttempted',
    {
      deliveryId: payload.deliveryId,
      alertId: 'alert-1',
      attempt: 1,
      status: 503,
      error: 'Service Unavailable',
      nextAttemptAt: at(14),
    },
  ],
  [
    'AlertDelivered',
    { deliveryId: payload.deliveryId, alertId: 'alert-1', attempt: 2, status: 204 },
  ],
  [
    'AlertDeliveryDead',
    { deliveryId: payload.deliveryId, alertId: 'alert-1', attempts: 9, lastError: 'HTTP 410' },
  ],
  ['AlertDeliveryRequeued', { deliveryId: payload.deliveryId, alertId: 'alert-1' }],
  [
    'AlertChannelCreated',
    {
      channelId: 'ch-1',
      name: 'ops hook',
      kind: 'webhook',
      sealedTarget: 'v1.abc.def.ghi',
      display: 'https://hooks.example.com',
    },
  ],
  ['AlertChannelDeleted', { channelId: 'ch-1' }],
  ['AlertRuleSet', rule],
  ['AlertRuleDeleted', { ruleId: 'rule-1' }],
  [
    'SilenceSet',
    {
      silenceId: 'sil-1',
      kind: 'maintenance-window',
      twinId: 'line-1',
      site: null,
      from: at(10),
      to: at(7210),
      reason: 'belt change',
    },
  ],
  ['SilenceLifted', { silenceId: 'sil-1' }],
];

/** The valid payload of a type, to spoil one field of. */
function valid(type: TwinEventType): Record<string, unknown> {
  return VALID.find(([t]) => t === type)![1] as Record<string, unknown>;
}

function refusal(raw: unknown): TwinlogError {
  try {
    parseEvent(raw);
  } catch (error) {
    if (isTwinlogError(error, 'EVENT_INVALID')) return error;
    throw error;
  }
  throw new Error('parseEvent accepted it');
}

describe('alert events read from a log', () => {
  it('cover every alert event type, all of the alerts stream', () => {
    const types = new Set(VALID.map(([type]) => type));
    const alertTypes = (Object.keys(CURRENT_SCHEMA_VERSION) as TwinEventType[]).filter((t) =>
      isAlertEvent({ type: t } as never),
    );
    expect([...types].sort()).toEqual([...alertTypes].sort());
    expect(alertTypes.every((t) => streamOf(t) === 'alerts')).toBe(true);
    expect(alertTypes).toHaveLength(21);
  });

  it.each(VALID.map(([type, data], i) => [`${type} #${i}`, type, data] as const))(
    'round-trips %s unchanged',
    (_label, type, data) => {
      const raw = envelope(type, data);
      const parsed = parseEvent(JSON.parse(JSON.stringify(raw)));
      expect(parsed).toEqual(raw);
      expect(isAlertEvent(parsed)).toBe(true);
    },
  );

  const opened = VALID[0]![1] as { member: typeof member };
  const withCause = (cause: Record<string, unknown>) => ({
    ...opened,
    member: { ...member, cause: { ...member.cause, ...cause } },
  });

  it.each<[string, TwinEventType, unknown, RegExp]>([
    [
      'a NaN in evidence',
      'AlertOpened',
      withCause({ evidence: [{ property: 'temperature', observed: Number.NaN }] }),
      /AlertOpened payload invalid: member\.cause\.evidence\.0\.observed/,
    ],
    [
      'an infinite threshold (1e309 in JSON)',
      'AlertMemberJoined',
      {
        alertId: 'alert-1',
        member: {
          ...maintenanceMember,
          cause: { ...maintenanceMember.cause, threshold: Infinity },
        },
      },
      /member\.cause\.threshold/,
    ],
    [
      '1e308 as an attempt number',
      'AlertDelivered',
      { deliveryId: 'dlv-1', alertId: 'alert-1', attempt: 1e308, status: 200 },
      /AlertDelivered payload invalid: attempt/,
    ],
    [
      '1e308 as an HTTP status',
      'AlertDeliveryAttempted',
      {
        deliveryId: 'dlv-1',
        alertId: 'alert-1',
        attempt: 1,
        status: 1e308,
        error: 'x',
        nextAttemptAt: at(1),
      },
      /status/,
    ],
    [
      '1e308 minutes before an escalation step',
      'AlertRuleSet',
      { ...rule, escalation: [{ afterMinutes: 1e308, channels: ['ch-2'] }] },
      /escalation\.0\.afterMinutes/,
    ],
    [
      'a reopen count of 0',
      'AlertReopened',
      { alertId: 'alert-1', member, reopenCount: 0 },
      /reopenCount/,
    ],
    [
      'an unknown severity',
      'AlertOpened',
      { ...opened, severity: 'apocalyptic' },
      /AlertOpened payload invalid: severity/,
    ],
    ['an unknown cause kind', 'AlertOpened', withCause({ kind: 'vibes' }), /member\.cause\.kind/],
    [
      'an unknown resolve reason',
      'AlertResolved',
      { alertId: 'alert-1', reason: 'bored', note: null },
      /reason/,
    ],
    [
      'an unknown suppression reason',
      'AlertNotificationSuppressed',
      { ...valid('AlertNotificationSuppressed'), reason: 'because' },
      /reason/,
    ],
    [
      'an unknown channel kind',
      'AlertChannelCreated',
      { ...valid('AlertChannelCreated'), kind: 'fax' },
      /kind/,
    ],
    [
      'an impossible date',
      'AlertMemberCleared',
      { alertId: 'alert-1', causeKey: 'k', clearedAt: '2026-02-30T00:00:00Z' },
      /clearedAt/,
    ],
    [
      'a time without a zone',
      'AlertOpened',
      { ...opened, member: { ...member, since: '2026-12-06T10:00:00' } },
      /member\.since/,
    ],
    [
      'a quiet hour of 24:00',
      'AlertRuleSet',
      { ...rule, quietHours: { ...rule.quietHours, to: '24:00' } },
      /quietHours\.to/,
    ],
    [
      'a silence that ends before it starts',
      'SilenceSet',
      { ...valid('SilenceSet'), from: at(100), to: at(50) },
      /SilenceSet payload invalid: to/,
    ],
    [
      'a silence of both a twin and a site',
      'SilenceSet',
      { ...valid('SilenceSet'), site: 'plant-a' },
      /SilenceSet payload invalid: site/,
    ],
    [
      'a silence of neither a twin nor a site',
      'SilenceSet',
      { ...valid('SilenceSet'), twinId: null },
      /SilenceSet payload invalid: twinId/,
    ],
    [
      'the member given only under __proto__',
      'AlertOpened',
      JSON.parse(
        `{"__proto__":{"member":${JSON.stringify(member)}},"alertId":"a","groupKey":"g","severity":"alarm","title":"t","site":null}`,
      ),
      /AlertOpened payload invalid: member/,
    ],
    [
      'a note of a megabyte',
      'AlertAcknowledged',
      { alertId: 'alert-1', note: 'x'.repeat(1_000_000) },
      /note/,
    ],
  ])('refuses %s with EVENT_INVALID naming the field', (_label, type, data, reason) => {
    const error = refusal(envelope(type, data));
    expect(error.message).toMatch(reason);
  });

  it('drops a __proto__ key beside valid fields, never taking it as the prototype', () => {
    const data = JSON.parse(
      `{"__proto__":{"polluted":true},${JSON.stringify({ alertId: 'alert-1', note: null }).slice(1)}`,
    );
    const parsed = parseEvent(envelope('AlertAcknowledged', data));
    expect(parsed.data).toEqual({ alertId: 'alert-1', note: null });
    expect(Object.getPrototypeOf(parsed.data)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('keeps the configuration key (@alerting) and refuses an empty twin id', () => {
    const config = {
      ...envelope('AlertChannelDeleted', { channelId: 'ch-1' }),
      twinId: '@alerting',
    };
    expect(parseEvent(config).twinId).toBe('@alerting');
    expect(refusal({ ...config, twinId: '' }).message).toMatch(/envelope invalid: twinId/);
  });
});
