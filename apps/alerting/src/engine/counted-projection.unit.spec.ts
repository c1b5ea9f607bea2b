import {
  AlertsProjection,
  decideCommand,
  decideOnTwinEvent,
  type AlertingSettings,
  type AlertTwinInfo,
  type DecidedAlertEvent,
  type EventEnvelope,
} from '@twinlog/domain';
import { CountedAlertsProjection, unresolvedAlertsOf } from './counted-projection';

const SETTINGS: AlertingSettings = {
  groupUpdateSeconds: 60,
  flapHoldSeconds: 600,
  rulP10Hours: 72,
  healthIndexBelow: 30,
  silentAfterSeconds: 300,
  retryBaseSeconds: 2,
  retryMaxSeconds: 300,
  retryForSeconds: 86_400,
};
const at = (s: number) => new Date(Date.UTC(2026, 11, 6, 10, 0, s)).toISOString();
const twins = (twinId: string): AlertTwinInfo | undefined =>
  twinId.startsWith('m')
    ? { twinId, twinType: 'press', site: 'a', parentId: null, level: 'asset', retired: false }
    : undefined;

function input(type: string, twinId: string, data: object, s: number, id: string): EventEnvelope {
  return {
    id,
    twinId,
    type,
    revision: 1,
    schemaVersion: 1,
    occurredAt: at(s),
    recordedAt: at(s),
    correlationId: id,
    causationId: null,
    producer: 'anomaly',
    data,
  } as EventEnvelope;
}
const detected = (twinId: string, episodeId: string, s: number) =>
  input(
    'AnomalyDetected',
    twinId,
    {
      episodeId,
      detector: 'limits',
      properties: ['temperature'],
      score: 0.9,
      severity: 'alarm',
      evidence: [],
    },
    s,
    `${episodeId}/detected`,
  );
const cleared = (twinId: string, episodeId: string, s: number) =>
  input('AnomalyCleared', twinId, { episodeId, detector: 'limits' }, s, `${episodeId}/cleared`);

describe('the counted projection the ready probe reads (review 20 #8)', () => {
  it('counts unresolved alerts as they open, resolve, reopen and are resolved by hand, once per event', () => {
    const p = new CountedAlertsProjection();
    const log: EventEnvelope[] = [];
    const record = (decided: DecidedAlertEvent[], s: number) => {
      const envelopes = decided.map(
        (e) =>
          ({
            ...e,
            revision: log.length + 1,
            schemaVersion: 1,
            recordedAt: at(s),
            correlationId: e.id,
            producer: 'alerting',
          }) as EventEnvelope,
      );
      log.push(...envelopes);
      p.apply(envelopes);
      p.apply(envelopes); // the follow feed's copies: no-ops
      expect(p.unresolvedCount).toBe(p.alerts().filter((a) => a.status !== 'resolved').length);
    };
    const decide = (event: EventEnvelope, s: number) =>
      record(decideOnTwinEvent(p, twins, event, at(s), SETTINGS), s);

    decide(detected('m1', 'e1', 0), 0);
    decide(detected('m2', 'e2', 1), 1);
    expect(p.unresolvedCount).toBe(2);
    decide(cleared('m1', 'e1', 10), 10);
    expect(p.unresolvedCount).toBe(1);
    decide(detected('m1', 'e3', 20), 20); // back within the flap hold: reopened
    expect(p.unresolvedCount).toBe(2);
    const [alert] = p.alerts().filter((a) => a.subject === 'm2');
    record(
      decideCommand(
        p,
        twins,
        { kind: 'resolve', alertId: alert!.alertId, note: null },
        'c-1',
        'ann',
        at(30),
        SETTINGS,
      ),
      30,
    );
    expect(p.unresolvedCount).toBe(1);

    // Rebuilt from the log in one batch, it counts the same.
    const replayed = new CountedAlertsProjection();
    replayed.apply(log);
    expect(unresolvedAlertsOf(replayed)).toBe(1);
    expect(unresolvedAlertsOf(new AlertsProjection())).toBe(0);
  });
});
