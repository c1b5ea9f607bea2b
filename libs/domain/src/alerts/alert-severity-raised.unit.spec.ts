import { AlertingHarness, aRule, t } from '../testing/alerting-fixtures';

// An anomaly episode that gets worse raises its open alert (docs/adr/0019 §4).

/** `hook` takes every alert from warning up; `pager` only critical ones. */
function withHookAndPager(): AlertingHarness {
  const h = new AlertingHarness();
  h.channel('hook');
  h.channel('pager');
  h.rule(aRule({ ruleId: 'r-all', channels: ['hook'], match: { minSeverity: 'warning' } }));
  h.rule(aRule({ ruleId: 'r-critical', channels: ['pager'], match: { minSeverity: 'critical' } }));
  h.twin('tool-1', 'component', null);
  return h;
}

const transitions = (h: AlertingHarness, channel: string) =>
  h.queued(channel).map((e) => `${e.data.payload.transition} ${e.data.payload.alert.severity}`);

describe('an alert whose anomaly gets worse', () => {
  it('takes the higher severity, and a critical-only rule is told once, when it is first met', () => {
    const h = withHookAndPager();
    h.anomaly('tool-1', t(10), { severity: 'warning' });
    h.escalated('tool-1', t(20), 'alarm');
    const [alert] = h.p.alerts();
    expect(alert).toMatchObject({
      severity: 'alarm',
      title: 'temperature anomaly on tool-1 (alarm)',
    });
    expect(alert!.members[0]!.cause).toMatchObject({ severity: 'alarm' });
    expect(transitions(h, 'pager')).toEqual([]);

    h.escalated('tool-1', t(30), 'critical');
    expect(h.p.alert(alert!.alertId)).toMatchObject({
      severity: 'critical',
      members: [{ cause: { severity: 'critical', evidence: [{ observed: 120 }] } }],
    });
    expect(h.p.alert(alert!.alertId)!.history.map((e) => e.transition)).toEqual([
      'opened',
      'severity-raised',
      'severity-raised',
    ]);
    // The rule that took it from the start has been told; the pager hears of it now, once.
    expect(transitions(h, 'hook')).toEqual(['opened warning']);
    expect(transitions(h, 'pager')).toEqual(['severity-raised critical']);

    h.cleared('tool-1', t(40));
    expect(transitions(h, 'pager')).toEqual(['severity-raised critical', 'resolved critical']);
  });

  it('decides nothing on a repeated or lower escalation, nor on one of a cleared episode', () => {
    const h = withHookAndPager();
    h.anomaly('tool-1', t(10), { severity: 'warning' });
    const critical = h.input(
      'AnomalyEscalated',
      'tool-1',
      {
        episodeId: 'ep-tool-1',
        detector: 'zscore',
        severity: 'critical',
        score: 0.95,
        evidence: [],
      },
      t(20),
    );
    expect(h.on(critical).map((e) => e.type)).toContain('AlertSeverityRaised');
    expect(h.on(critical, t(21))).toEqual([]); // redelivered
    expect(h.escalated('tool-1', t(22), 'alarm')).toEqual([]); // lower: the worst stands
    expect(h.p.alerts()[0]!.severity).toBe('critical');

    h.cleared('tool-1', t(30));
    h.anomaly('tool-1', t(700), { episodeId: 'ep-2', severity: 'warning' });
    expect(h.escalated('tool-1', t(710), 'critical', 'ep-tool-1')).toEqual([]);
    expect(transitions(h, 'pager')).toEqual(['severity-raised critical', 'resolved critical']);
  });

  it('sends at once what quiet hours held, once it reaches their allowed severity', () => {
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
    h.twin('tool-1', 'component', null);
    h.anomaly('tool-1', '2026-12-06T22:00:00.000Z', { severity: 'warning' }); // 23:00: held
    h.escalated('tool-1', '2026-12-06T22:10:00.000Z', 'alarm'); // still held: nothing new
    h.escalated('tool-1', '2026-12-06T22:20:00.000Z', 'critical');
    expect(h.queued('hook').map((e) => [e.data.payload.transition, e.data.notBefore])).toEqual([
      ['opened', '2026-12-07T05:00:00.000Z'],
      ['severity-raised', '2026-12-06T22:20:00.000Z'],
    ]);
  });
});
