import fc from 'fast-check';
import { parseEvent } from '../events/parse-event';
import { CURRENT_SCHEMA_VERSION, SEVERITIES, type EventEnvelope } from '../events/twin-events';
import { AlertingHarness, aRule, t } from '../testing/alerting-fixtures';

/** Defects found by the hostile review of issue 20 (docs/adr/0019), one describe each. */

function withHook(): AlertingHarness {
  const h = new AlertingHarness();
  h.channel('hook');
  h.rule(aRule());
  return h;
}

const transitions = (h: AlertingHarness, channel = 'hook'): string[] =>
  h.queued(channel).map((e) => e.data.payload.transition);

describe('causes are decided at their own time, not the service clock (review 1)', () => {
  it('a backlog of three episodes an hour old announces each one and ends on the open alert', () => {
    const h = withHook();
    h.twin('press-1', 'asset', null);
    const late = t(3600); // the service comes back an hour later and works through the backlog
    const episode = (name: string, from: number, to: number | null): void => {
      const detected = h.input(
        'AnomalyDetected',
        'press-1',
        {
          episodeId: name,
          detector: 'zscore',
          properties: ['temperature'],
          score: 4,
          severity: 'alarm',
          evidence: [],
        },
        t(from),
      );
      h.on(detected, late);
      if (to !== null)
        h.on(
          h.input('AnomalyCleared', 'press-1', { episodeId: name, detector: 'zscore' }, t(to)),
          late,
        );
    };
    episode('e1', 0, 100);
    episode('e2', 1500, 1600);
    episode('e3', 3000, null);
    expect(transitions(h)).toEqual(['opened', 'resolved', 'opened', 'resolved', 'opened']);
    expect(h.p.alerts()[0]).toMatchObject({ status: 'open', openedAt: t(3000) });
    expect(h.ofType('AlertNotificationSuppressed')).toEqual([]);
  });

  it('escalation counts from when the alert was decided, so a backlog does not escalate at once', () => {
    const h = new AlertingHarness();
    h.channel('hook');
    h.channel('pager');
    h.rule(aRule({ channels: ['hook'], escalation: [{ afterMinutes: 15, channels: ['pager'] }] }));
    h.twin('press-1', 'asset', null);
    const detected = h.input(
      'AnomalyDetected',
      'press-1',
      {
        episodeId: 'e',
        detector: 'z',
        properties: ['t'],
        score: 1,
        severity: 'alarm',
        evidence: [],
      },
      t(0),
    );
    h.on(detected, t(3600));
    h.due(t(3601));
    expect(h.ofType('AlertEscalated')).toHaveLength(0);
    h.due(t(3600 + 15 * 60));
    expect(h.ofType('AlertEscalated')).toHaveLength(1);
    // Replaying the log decides the same: the projection keeps when it was decided.
    expect(h.replayed().alerts()).toEqual(h.p.alerts());
  });

  it("a group hold is measured in the causes' time: a backlogged second member is held behind the first", () => {
    const h = withHook();
    const [a, b] = h.line('line-1', 2);
    h.on(
      h.input(
        'AnomalyDetected',
        a!,
        {
          episodeId: 'x',
          detector: 'z',
          properties: ['t'],
          score: 1,
          severity: 'alarm',
          evidence: [],
        },
        t(0),
      ),
      t(900),
    );
    h.on(
      h.input(
        'AnomalyDetected',
        b!,
        {
          episodeId: 'y',
          detector: 'z',
          properties: ['t'],
          score: 1,
          severity: 'alarm',
          evidence: [],
        },
        t(30),
      ),
      t(900),
    );
    expect(transitions(h)).toEqual(['opened']);
    h.due(t(901)); // the hold (60 s after the opening, in cause time) is long over
    expect(transitions(h)).toEqual(['opened', 'member-joined']);
  });
});

describe('silence needs a reading (review 2)', () => {
  it('a twin in the directory that never reported is not in lastSeen, so it never goes silent', () => {
    const h = withHook();
    h.line('line-8', 1);
    h.silences(new Map(), t(10_000));
    expect(h.p.alerts()).toEqual([]);
  });
});

describe('a member flapping inside an open group alert (review 3)', () => {
  it('records the rejoin but suppresses its notice as flapping; a new twin still notifies', () => {
    const h = withHook();
    const [a, b, c] = h.line('line-1', 3);
    h.anomaly(a!, t(0), { episodeId: 'a' });
    h.anomaly(b!, t(10), { episodeId: 'b0' });
    h.due(t(60));
    expect(transitions(h)).toEqual(['opened', 'member-joined']);
    for (let i = 1; i <= 10; i += 1) {
      h.cleared(b!, t(i * 120), `b${i - 1}`);
      h.anomaly(b!, t(i * 120 + 60), { episodeId: `b${i}` });
      h.due(t(i * 120 + 61));
    }
    expect(transitions(h)).toEqual(['opened', 'member-joined']);
    const flaps = h
      .ofType('AlertNotificationSuppressed')
      .filter((e) => e.data.reason === 'flapping');
    expect(flaps.map((e) => e.data.transition)).toEqual(Array(10).fill('member-joined'));
    expect(h.ofType('AlertMemberJoined')).toHaveLength(11);
    h.anomaly(c!, t(5000), { episodeId: 'c' });
    expect(transitions(h)).toEqual(['opened', 'member-joined', 'member-joined']);
    expect(h.replayed().alerts()).toEqual(h.p.alerts());
  });

  it('a flapping rejoin does not swallow a join that waits for the end of the hold', () => {
    const h = withHook();
    const [a, b, c] = h.line('line-1', 3);
    h.anomaly(a!, t(0), { episodeId: 'a' });
    h.anomaly(b!, t(70), { episodeId: 'b0' }); // notified at once (hold over)
    h.cleared(b!, t(80), 'b0');
    h.anomaly(c!, t(90), { episodeId: 'c' }); // held until t(130)
    h.anomaly(b!, t(100), { episodeId: 'b1' }); // flapping rejoin
    h.due(t(130));
    expect(transitions(h)).toEqual(['opened', 'member-joined', 'member-joined']);
    expect(
      h
        .queued()[2]!
        .data.payload.alert.members.map((m) => m.twinId)
        .sort(),
    ).toEqual([a, b, c].sort());
  });
});

describe('every valid finding yields alert events the log accepts (review 4)', () => {
  /** As the log would store it: JSON, at the type's current schema version. */
  const stamp = (e: EventEnvelope): unknown =>
    JSON.parse(JSON.stringify({ ...e, schemaVersion: CURRENT_SCHEMA_VERSION[e.type] }));
  const text = fc.string({ maxLength: 40 });

  it('AnomalyDetected with many, long or empty property names', () => {
    const detected = fc.record({
      episodeId: fc.string({ minLength: 1, maxLength: 200 }),
      detector: fc.string({ minLength: 1, maxLength: 300 }),
      properties: fc.array(fc.oneof(text, fc.string({ maxLength: 400 })), {
        minLength: 1,
        maxLength: 80,
      }),
      score: fc.double({ min: 0, max: 1, noNaN: true }),
      severity: fc.constantFrom(...SEVERITIES),
      evidence: fc.array(
        fc.record({
          property: text,
          observed: fc.double({ noNaN: true, noDefaultInfinity: true }),
        }),
        { maxLength: 5 },
      ),
    });
    fc.assert(
      fc.property(detected, (data) => {
        const h = withHook();
        h.twin('press-1', 'asset', null);
        const input = parseEvent(stamp(h.input('AnomalyDetected', 'press-1', data, t(1))));
        const decided = h.on(input);
        expect(decided.some((e) => e.type === 'AlertOpened')).toBe(true);
        for (const event of decided) expect(() => parseEvent(stamp(event))).not.toThrow();
        h.on(
          parseEvent(
            stamp(
              h.input(
                'AnomalyCleared',
                'press-1',
                { episodeId: data.episodeId, detector: data.detector },
                t(2),
              ),
            ),
          ),
        );
        expect(h.p.alerts()[0]!.status).toBe('resolved');
      }),
      { numRuns: 150 },
    );
  });

  it('the same properties in another order or repeated are one cause', () => {
    const h = withHook();
    h.twin('press-1', 'asset', null);
    h.anomaly('press-1', t(1), { episodeId: 'e', properties: ['b', 'a', ''] });
    h.anomaly('press-1', t(2), { episodeId: 'e', properties: ['a', '', 'b', 'a'] });
    expect(h.p.alerts()[0]!.members).toHaveLength(1);
  });

  it('MaintenancePredicted of any valid shape', () => {
    const hours = fc.double({ min: 0, max: 1e308, noNaN: true, noDefaultInfinity: true });
    const predicted = fc
      .tuple(hours, hours, hours, fc.double({ min: 0, max: 100, noNaN: true }), fc.boolean())
      .map(([a, b, c, healthIndex, beyondHorizon]) => {
        const [low, mid, high] = [a, b, c].sort((x, y) => x - y) as [number, number, number];
        return {
          healthIndex,
          rulHours: mid,
          rulLowHours: low,
          rulHighHours: high,
          basis: 'wear',
          model: 'm',
          priority: 'low' as const,
          window: { from: t(0), to: t(10) },
          beyondHorizon,
        };
      });
    fc.assert(
      fc.property(predicted, (data) => {
        const h = withHook();
        h.twin('press-1', 'asset', null);
        const input = parseEvent(stamp(h.input('MaintenancePredicted', 'press-1', data, t(1))));
        for (const event of h.on(input)) expect(() => parseEvent(stamp(event))).not.toThrow();
      }),
      { numRuns: 150 },
    );
  });
});

describe('a reopened alert escalates again (review 5)', () => {
  it('fires its steps once per (re)opening, with distinct event ids', () => {
    const h = new AlertingHarness();
    h.channel('hook');
    h.rule(aRule({ escalation: [{ afterMinutes: 5, channels: ['hook'] }] }));
    h.twin('a', 'asset', null);
    h.anomaly('a', t(0), { episodeId: 'x' });
    h.due(t(300));
    expect(h.ofType('AlertEscalated')).toHaveLength(1);
    h.cleared('a', t(400), 'x');
    h.anomaly('a', t(500), { episodeId: 'y' }); // reopened within the hold
    expect(h.p.alerts()[0]!.reopenCount).toBe(1);
    h.due(t(500 + 299));
    expect(h.ofType('AlertEscalated')).toHaveLength(1);
    h.due(t(500 + 300));
    expect(h.ofType('AlertEscalated')).toHaveLength(2);
    expect(h.p.alerts()[0]!.escalations).toBe(2);
    expect(h.replayed().alerts()).toEqual(h.p.alerts());
  });
});

describe('bounded alert views (review 8, the core side)', () => {
  it('keeps the last entries of history and suppressions, counting the rest; applying stays linear', () => {
    const h = withHook();
    h.twin('a', 'asset', null);
    for (let i = 0; i < 400; i += 1) {
      h.anomaly('a', t(i * 20), { episodeId: `e${i}` });
      h.cleared('a', t(i * 20 + 10), `e${i}`);
    }
    const alert = h.p.alerts()[0]!;
    expect(alert.reopenCount).toBe(399);
    expect(alert.history.length).toBeLessThanOrEqual(100);
    expect(alert.history.at(-1)!.transition).toBe('resolved');
    expect(alert.history[0]!.transition).toBe('opened'); // the opening is always kept
    expect(alert.historyOmitted! + alert.history.length).toBe(800);
    expect(alert.suppressed.length).toBeLessThanOrEqual(100);
    expect(h.p.unresolvedCount()).toBe(0);
    h.anomaly('a', t(9000), { episodeId: 'last' });
    expect(h.p.unresolvedCount()).toBe(1);
    expect(alert.suppressedOmitted! + alert.suppressed.length).toBe(798);
    expect(h.replayed().alerts()).toEqual(h.p.alerts());
  });
});

describe('a held join with nothing to notify (review 11)', () => {
  it("ends at the hold's end even when no rule matches then; a later rule does not send it", () => {
    const h = withHook();
    const [a, b] = h.line('line-1', 2);
    h.anomaly(a!, t(0));
    h.anomaly(b!, t(10)); // held until t(60)
    h.command({ kind: 'delete-rule', ruleId: 'r1' }, t(20));
    h.due(t(60));
    expect(h.p.groupUpdateHolds()).toEqual([]);
    expect(h.due(t(61))).toEqual([]);
    h.rule(aRule(), t(70));
    h.due(t(80));
    expect(transitions(h)).toEqual(['opened']);
  });
});
