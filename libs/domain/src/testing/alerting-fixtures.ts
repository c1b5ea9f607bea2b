import type { EventEnvelope, Severity, TwinEvent } from '../events/twin-events';
import type { TwinLevel } from '../model/twin-model.schema';
import type { AlertMatch, AlertRule } from '../alerts/alert-events';
import { AlertsProjection } from '../alerts/alerts-projection';
import {
  decideCommand,
  decideDeliveryOutcome,
  decideDue,
  decideOnTwinEvent,
  decideSilences,
  type AlertCommand,
  type AlertTwinInfo,
  type AlertingSettings,
  type DecidedAlertEvent,
  type DeliveryOutcome,
} from '../alerts/alert-decisions';

/** The documented defaults (docs/services/alerting.md). */
export const ALERTING_DEFAULTS: AlertingSettings = {
  groupUpdateSeconds: 60,
  flapHoldSeconds: 600,
  rulP10Hours: 72,
  healthIndexBelow: 30,
  silentAfterSeconds: 300,
  retryBaseSeconds: 2,
  retryMaxSeconds: 300,
  retryForSeconds: 86_400,
};

/** Seconds after 2026-12-06T08:00:00Z, as ISO. */
export const t = (seconds: number): string =>
  new Date(Date.parse('2026-12-06T08:00:00Z') + seconds * 1000).toISOString();

export function aRule(
  overrides: Partial<Omit<AlertRule, 'match'>> & { match?: Partial<AlertMatch> } = {},
): AlertRule {
  const { match, ...rest } = overrides;
  return {
    ruleId: 'r1',
    name: 'everything',
    channels: ['*'],
    quietHours: null,
    escalation: [],
    enabled: true,
    ...rest,
    match: {
      minSeverity: 'info',
      causes: [],
      twinTypes: [],
      sites: [],
      subtree: null,
      properties: [],
      ...match,
    },
  };
}

/**
 * A tiny alerting engine for specs: decides with the core, stamps envelopes the way the log
 * would (revision, producer `alerting[/<actor>]`), drops duplicate ids, and folds them.
 */
export class AlertingHarness {
  readonly p = new AlertsProjection();
  readonly log: EventEnvelope[] = [];
  readonly directory = new Map<string, AlertTwinInfo>();
  readonly twins = (twinId: string): AlertTwinInfo | undefined => this.directory.get(twinId);
  private inputs = 0;
  private commands = 0;

  constructor(readonly s: AlertingSettings = ALERTING_DEFAULTS) {}

  twin(
    twinId: string,
    level: TwinLevel,
    parentId: string | null = null,
    site: string | null = 'berlin',
    twinType = 'press',
  ): this {
    this.directory.set(twinId, { twinId, twinType, site, parentId, level, retired: false });
    return this;
  }

  /** A line (system) with `n` presses under it, in a plant (process). */
  line(lineId: string, n: number, site = 'berlin'): string[] {
    this.twin('plant', 'process', null, site, 'plant').twin(
      lineId,
      'system',
      'plant',
      site,
      'line',
    );
    return Array.from({ length: n }, (_, i) => {
      const id = `${lineId}-press-${i + 1}`;
      this.twin(id, 'asset', lineId, site);
      return id;
    });
  }

  /** `recordedAt`: when the engine appends them (its clock); by default when they happened. */
  append(
    decided: readonly DecidedAlertEvent[],
    actor: string | null = null,
    recordedAt?: string,
  ): EventEnvelope[] {
    const appended: EventEnvelope[] = [];
    for (const event of decided) {
      if (this.log.some((e) => e.id === event.id)) continue;
      const envelope = {
        ...event,
        revision: this.log.length + 1,
        schemaVersion: 1,
        recordedAt: recordedAt ?? event.occurredAt,
        correlationId: event.id,
        producer: actor === null ? 'alerting' : `alerting/${actor}`,
      } as EventEnvelope;
      this.log.push(envelope);
      appended.push(envelope);
    }
    this.p.apply(appended);
    return appended;
  }

  input<T extends TwinEvent['type']>(
    type: T,
    twinId: string,
    data: Extract<TwinEvent, { type: T }>['data'],
    at: string,
    id?: string,
  ): EventEnvelope {
    this.inputs += 1;
    return {
      type,
      data,
      id: id ?? `in-${this.inputs}`,
      twinId,
      revision: this.inputs,
      schemaVersion: 1,
      occurredAt: at,
      recordedAt: at,
      correlationId: `c-${this.inputs}`,
      causationId: null,
      producer: 'anomaly',
    } as EventEnvelope;
  }

  /** Decides on a twin event at the service clock's `now` (default: when it was recorded). */
  on(event: EventEnvelope, now: string = event.recordedAt): EventEnvelope[] {
    return this.append(decideOnTwinEvent(this.p, this.twins, event, now, this.s), null, now);
  }

  anomaly(
    twinId: string,
    at: string,
    opts: { episodeId?: string; severity?: Severity; properties?: string[] } = {},
  ): EventEnvelope[] {
    return this.on(
      this.input(
        'AnomalyDetected',
        twinId,
        {
          episodeId: opts.episodeId ?? `ep-${twinId}`,
          detector: 'zscore',
          properties: opts.properties ?? ['temperature'],
          score: 5,
          severity: opts.severity ?? 'alarm',
          evidence: [{ property: 'temperature', observed: 90, expected: 60 }],
        },
        at,
      ),
    );
  }

  /** The episode got worse (AnomalyEscalated). */
  escalated(
    twinId: string,
    at: string,
    severity: Severity,
    episodeId = `ep-${twinId}`,
  ): EventEnvelope[] {
    return this.on(
      this.input(
        'AnomalyEscalated',
        twinId,
        {
          episodeId,
          detector: 'zscore',
          severity,
          score: 0.97,
          evidence: [{ property: 'temperature', observed: 120, expected: 60 }],
        },
        at,
      ),
    );
  }

  cleared(twinId: string, at: string, episodeId = `ep-${twinId}`): EventEnvelope[] {
    return this.on(this.input('AnomalyCleared', twinId, { episodeId, detector: 'zscore' }, at));
  }

  command(
    command: AlertCommand,
    now: string,
    actor: string | null = 'key:ops',
    commandId?: string,
  ): EventEnvelope[] {
    this.commands += 1;
    return this.append(
      decideCommand(
        this.p,
        this.twins,
        command,
        commandId ?? `cmd-${this.commands}`,
        actor,
        now,
        this.s,
      ),
      actor,
    );
  }

  channel(channelId: string, now = t(0)): EventEnvelope[] {
    return this.command(
      {
        kind: 'create-channel',
        channelId,
        name: channelId,
        channelKind: 'webhook',
        sealedTarget: 'sealed',
        display: 'https://example.test',
      },
      now,
      'key:admin',
    );
  }

  rule(rule: AlertRule, now = t(0)): EventEnvelope[] {
    return this.command({ kind: 'set-rule', rule }, now, 'key:eng');
  }

  due(now: string): EventEnvelope[] {
    return this.append(decideDue(this.p, this.twins, now, this.s), null, now);
  }

  silences(lastSeen: ReadonlyMap<string, string>, now: string): EventEnvelope[] {
    return this.append(decideSilences(this.p, this.twins, lastSeen, now, this.s), null, now);
  }

  outcome(
    deliveryId: string,
    outcome: DeliveryOutcome,
    now: string,
    jitter = 0.5,
  ): EventEnvelope[] {
    return this.append(decideDeliveryOutcome(this.p, deliveryId, outcome, now, this.s, jitter));
  }

  queued(channelId?: string): Array<Extract<EventEnvelope, { type: 'AlertNotificationQueued' }>> {
    return this.log.filter(
      (e): e is Extract<EventEnvelope, { type: 'AlertNotificationQueued' }> =>
        e.type === 'AlertNotificationQueued' &&
        (channelId === undefined || e.data.channelId === channelId),
    );
  }

  ofType<T extends EventEnvelope['type']>(type: T): Array<Extract<EventEnvelope, { type: T }>> {
    return this.log.filter((e): e is Extract<EventEnvelope, { type: T }> => e.type === type);
  }

  /** The projection rebuilt from the log alone. */
  replayed(): AlertsProjection {
    const fresh = new AlertsProjection();
    fresh.apply(this.log);
    return fresh;
  }
}
