import fc from 'fast-check';
import { isTwinlogError } from '../errors';
import { AlertingHarness, aRule, t } from '../testing/alerting-fixtures';
import {
  decideCommand,
  decideDeliveryOutcome,
  decideDue,
  decideOnTwinEvent,
  decideSilences,
  type AlertCommand,
  type DecidedAlertEvent,
} from './alert-decisions';
import type { AlertsProjection } from './alerts-projection';

/** Hostile names are normal names: twins, properties, rules and channels called like Object's members. */
const TWINS = ['press-1', '__proto__', 'constructor', 'toString', 'press-5'];
const PROPERTIES = ['temperature', '__proto__', 'constructor', 'hasOwnProperty'];
const CHANNELS = ['hook', 'constructor', '__proto__'];
const RULES = ['r1', '__proto__', 'valueOf'];

type Step =
  | {
      kind: 'anomaly';
      twin: number;
      episode: number;
      severity: number;
      property: number;
      lag: number;
    }
  | { kind: 'escalated'; twin: number; episode: number; severity: number; lag: number }
  | { kind: 'cleared'; twin: number; episode: number; lag: number }
  | { kind: 'predicted'; twin: number; rul: number; health: number }
  | { kind: 'performed'; twin: number }
  | { kind: 'life'; verb: 'acknowledge' | 'assign' | 'resolve'; alert: number }
  | { kind: 'silence'; twin: number | null; minutes: number; maintenance: boolean }
  | { kind: 'lift'; silence: number }
  | {
      kind: 'rule';
      rule: number;
      channels: number[];
      quiet: boolean;
      escalate: boolean;
      minSeverity: number;
      property: number | null;
    }
  | { kind: 'delete-rule'; rule: number }
  | {
      kind: 'outcome';
      delivery: number;
      ok: boolean;
      permanent: boolean;
      jitter: number;
      retryAfter: number | undefined;
    }
  | { kind: 'redeliver'; delivery: number }
  | { kind: 'silent'; reported: number[] }
  | { kind: 'tick' };

const idx = (n: number): fc.Arbitrary<number> => fc.nat({ max: n - 1 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('anomaly' as const),
    twin: idx(TWINS.length),
    episode: idx(3),
    severity: idx(4),
    property: idx(PROPERTIES.length),
    // Seconds the finding waited in a backlog: decided at its own time, recorded at `now`.
    lag: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1_800 })),
  }),
  fc.record({
    kind: fc.constant('escalated' as const),
    twin: idx(TWINS.length),
    episode: idx(3),
    severity: idx(4),
    lag: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1_800 })),
  }),
  fc.record({
    kind: fc.constant('cleared' as const),
    twin: idx(TWINS.length),
    episode: idx(3),
    lag: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1_800 })),
  }),
  fc.record({
    kind: fc.constant('predicted' as const),
    twin: idx(TWINS.length),
    rul: fc.double({ min: -10, max: 200, noNaN: true }),
    health: fc.double({ min: 0, max: 100, noNaN: true }),
  }),
  fc.record({ kind: fc.constant('performed' as const), twin: idx(TWINS.length) }),
  fc.record({
    kind: fc.constant('life' as const),
    verb: fc.constantFrom('acknowledge' as const, 'assign' as const, 'resolve' as const),
    alert: idx(8),
  }),
  fc.record({
    kind: fc.constant('silence' as const),
    twin: fc.option(idx(TWINS.length)),
    minutes: fc.integer({ min: -5, max: 120 }),
    maintenance: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('lift' as const), silence: idx(4) }),
  fc.record({
    kind: fc.constant('rule' as const),
    rule: idx(RULES.length),
    channels: fc.array(idx(CHANNELS.length + 1), { minLength: 1, maxLength: 3 }),
    quiet: fc.boolean(),
    escalate: fc.boolean(),
    minSeverity: idx(4),
    property: fc.option(idx(PROPERTIES.length)),
  }),
  fc.record({ kind: fc.constant('delete-rule' as const), rule: idx(RULES.length) }),
  fc.record({
    kind: fc.constant('outcome' as const),
    delivery: idx(10),
    ok: fc.boolean(),
    permanent: fc.boolean(),
    jitter: fc.double({ min: 0, max: 0.999, noNaN: true }),
    retryAfter: fc.option(fc.integer({ min: 0, max: 4000 }), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('redeliver' as const), delivery: idx(10) }),
  fc.record({
    kind: fc.constant('silent' as const),
    reported: fc.array(idx(TWINS.length), { maxLength: 5 }),
  }),
  fc.constant({ kind: 'tick' as const }),
);
const SEVERITY = ['info', 'warning', 'alarm', 'critical'] as const;

function plant(): AlertingHarness {
  const h = new AlertingHarness();
  h.twin('line', 'system', null, 'berlin', 'line');
  TWINS.forEach((id, i) =>
    h.twin(id, 'asset', i % 2 === 0 ? 'line' : null, i % 2 === 0 ? 'berlin' : '__proto__'),
  );
  for (const channel of CHANNELS) h.channel(channel);
  h.rule(aRule());
  return h;
}

/** Everything the projection answers, for comparing two of them. */
function answers(p: AlertsProjection, now: string): unknown {
  return {
    alerts: p.alerts(),
    deliveries: p.deliveries(),
    channels: p.channels(),
    rules: p.rules(),
    silences: p.silences(),
    due: p.dueDeliveries(now),
    next: p.nextDeliveryAt(),
    everSetRule: p.everSetRule,
    unresolvedCount: p.unresolvedCount(),
    pendingCount: p.pendingCount(),
  };
}

/** Runs one step's decision twice (the ids must not change), then appends it. */
function run(
  h: AlertingHarness,
  s: Step,
  now: string,
  seen: { silenceIds: string[] },
  lastSeen: Map<string, string>,
): void {
  const twin = (i: number): string => TWINS[i]!;
  const decideTwice = (decide: () => DecidedAlertEvent[], actor: string | null = null): void => {
    let first: DecidedAlertEvent[];
    try {
      first = decide();
    } catch (error) {
      if (isTwinlogError(error)) return;
      throw error;
    }
    expect(decide()).toEqual(first);
    h.append(first, actor, now);
  };
  const command = (c: AlertCommand, id: string, actor = 'key:ops'): void =>
    decideTwice(() => decideCommand(h.p, h.twins, c, id, actor, now, h.s), actor);
  const onTwin = (event: ReturnType<AlertingHarness['input']>): void =>
    decideTwice(() => decideOnTwinEvent(h.p, h.twins, event, now, h.s));
  const n = h.log.length;
  const before = (lag: number): string => new Date(Date.parse(now) - lag * 1000).toISOString();
  switch (s.kind) {
    case 'anomaly':
      return onTwin(
        h.input(
          'AnomalyDetected',
          twin(s.twin),
          {
            episodeId: `ep-${s.episode}`,
            detector: 'zscore',
            properties: [PROPERTIES[s.property]!],
            score: 3,
            severity: SEVERITY[s.severity]!,
            evidence: [],
          },
          before(s.lag),
        ),
      );
    case 'escalated':
      return onTwin(
        h.input(
          'AnomalyEscalated',
          twin(s.twin),
          {
            episodeId: `ep-${s.episode}`,
            detector: 'zscore',
            severity: SEVERITY[s.severity]!,
            score: 0.9,
            evidence: [],
          },
          before(s.lag),
        ),
      );
    case 'cleared':
      return onTwin(
        h.input(
          'AnomalyCleared',
          twin(s.twin),
          { episodeId: `ep-${s.episode}`, detector: 'zscore' },
          before(s.lag),
        ),
      );
    case 'predicted':
      return onTwin(
        h.input(
          'MaintenancePredicted',
          twin(s.twin),
          {
            healthIndex: s.health,
            rulHours: s.rul,
            rulLowHours: s.rul,
            rulHighHours: s.rul,
            basis: 'wear',
            model: 'linear',
            priority: 'low',
            window: { from: now, to: now },
          },
          now,
        ),
      );
    case 'performed':
      return onTwin(
        h.input(
          'MaintenancePerformed',
          twin(s.twin),
          { kind: 'repair', performedAt: now, resets: [], componentId: null, notes: null },
          now,
        ),
      );
    case 'life': {
      const alert = h.p.alerts()[s.alert]?.alertId ?? '__proto__';
      const c: AlertCommand =
        s.verb === 'assign'
          ? { kind: 'assign', alertId: alert, assignee: 'constructor', note: null }
          : { kind: s.verb, alertId: alert, note: '__proto__' };
      return command(c, `c${n}`, 'token:__proto__');
    }
    case 'silence': {
      const silenceId = `s${n}`;
      seen.silenceIds.push(silenceId);
      const to = new Date(Date.parse(now) + s.minutes * 60_000).toISOString();
      return command(
        {
          kind: 'set-silence',
          silence: {
            silenceId,
            kind: s.maintenance ? 'maintenance-window' : 'silence',
            twinId: s.twin === null ? null : twin(s.twin),
            site: s.twin === null ? '__proto__' : null,
            from: now,
            to,
            reason: 'x',
          },
        },
        `c${n}`,
      );
    }
    case 'lift':
      return command(
        { kind: 'lift-silence', silenceId: seen.silenceIds[s.silence] ?? 'constructor' },
        `c${n}`,
      );
    case 'rule':
      return command(
        {
          kind: 'set-rule',
          rule: aRule({
            ruleId: RULES[s.rule]!,
            channels: s.channels.map((c) => CHANNELS[c] ?? '*'),
            quietHours: s.quiet
              ? { from: '08:05', to: '08:03', timeZone: 'Europe/Berlin', allowSeverity: 'critical' }
              : null,
            escalation: s.escalate
              ? [
                  { afterMinutes: 1, channels: ['__proto__'] },
                  { afterMinutes: 3, channels: ['*'] },
                ]
              : [],
            match: {
              minSeverity: SEVERITY[s.minSeverity]!,
              properties: s.property === null ? [] : [PROPERTIES[s.property]!],
            },
          }),
        },
        `c${n}`,
        'key:eng',
      );
    case 'delete-rule':
      return command({ kind: 'delete-rule', ruleId: RULES[s.rule]! }, `c${n}`);
    case 'outcome': {
      const delivery = h.p.deliveries()[s.delivery];
      if (!delivery) return;
      const outcome = s.ok
        ? { ok: true as const, status: 200 }
        : {
            ok: false as const,
            status: 503,
            error: 'down',
            permanent: s.permanent,
            retryAfterSeconds: s.retryAfter,
          };
      return decideTwice(() =>
        decideDeliveryOutcome(h.p, delivery.deliveryId, outcome, now, h.s, s.jitter),
      );
    }
    case 'redeliver':
      return command(
        { kind: 'redeliver', deliveryId: h.p.deliveries()[s.delivery]?.deliveryId ?? '__proto__' },
        `c${n}`,
      );
    case 'silent':
      for (const i of s.reported) lastSeen.set(twin(i), now);
      return decideTwice(() => decideSilences(h.p, h.twins, lastSeen, now, h.s));
    case 'tick':
      return decideTwice(() => decideDue(h.p, h.twins, now, h.s));
  }
}

describe('alerting core properties', () => {
  const scenario = fc.array(fc.tuple(step, fc.integer({ min: 0, max: 400 })), {
    minLength: 1,
    maxLength: 60,
  });

  const prototypeNames = Object.getOwnPropertyNames(Object.prototype);
  const stats = { runs: 0, alerts: 0, deliveries: 0 };
  afterAll(() => {
    // The scenarios must exercise something: on average several alerts and deliveries a run.
    expect(stats.alerts / stats.runs).toBeGreaterThan(1);
    expect(stats.deliveries / stats.runs).toBeGreaterThan(2);
  });

  it('replay equality: folding the decided events of any interleaving equals the live projection; ids are stable on re-decision; hostile names break nothing', () => {
    fc.assert(
      fc.property(scenario, (steps) => {
        const h = plant();
        const seen = { silenceIds: [] as string[] };
        const lastSeen = new Map<string, string>(TWINS.map((id) => [id, t(0)]));
        let clock = 0;
        for (const [s, advance] of steps) {
          clock += advance;
          run(h, s, t(clock), seen, lastSeen);
        }
        const now = t(clock + 1);
        expect(answers(h.replayed(), now)).toEqual(answers(h.p, now));
        // Each step's events were decided twice and appended once: no id twice in the log.
        expect(new Set(h.log.map((e) => e.id)).size).toBe(h.log.length);
        expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeNames);
        expect(({} as Record<string, unknown>)['x']).toBeUndefined();
        stats.alerts += h.p.alerts().length;
        stats.deliveries += h.p.deliveries().length;
        stats.runs += 1;
      }),
      { numRuns: 150 },
    );
  });

  it('a live projection that folds its own events again (the follow feed) is unchanged', () => {
    fc.assert(
      fc.property(scenario, (steps) => {
        const h = plant();
        const lastSeen = new Map<string, string>(TWINS.map((id) => [id, t(0)]));
        let clock = 0;
        for (const [s, advance] of steps) {
          clock += advance;
          run(h, s, t(clock), { silenceIds: [] }, lastSeen);
        }
        const before = answers(h.p, t(clock));
        h.p.apply(h.log);
        expect(answers(h.p, t(clock))).toEqual(before);
      }),
      { numRuns: 50 },
    );
  });
});
