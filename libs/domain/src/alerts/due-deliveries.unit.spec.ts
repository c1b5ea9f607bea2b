import type { EventEnvelope } from '../events/twin-events';
import type { NotificationPayload } from './alert-events';
import { AlertsProjection } from './alerts-projection';

const at = (seconds: number): string =>
  new Date(Date.UTC(2026, 11, 6, 0, 0, seconds)).toISOString();

/** `n` queued deliveries; delivery i was queued (and is due) at second (i * 7919) % n. */
function queued(n: number): AlertsProjection {
  const p = new AlertsProjection();
  const events: EventEnvelope[] = [];
  for (let i = 0; i < n; i += 1) {
    const second = (i * 7919) % n;
    events.push({
      id: `q-${i}`,
      type: 'AlertNotificationQueued',
      twinId: 'line-1',
      revision: i + 1,
      schemaVersion: 1,
      occurredAt: at(second),
      recordedAt: at(second),
      correlationId: `q-${i}`,
      causationId: null,
      producer: 'alerting',
      data: {
        deliveryId: `dlv-${String(i).padStart(6, '0')}`,
        alertId: 'alert-1',
        transitionEventId: `tr-${i}`,
        channelId: 'hook',
        ruleId: 'rule-1',
        notBefore: at(second),
        payload: { deliveryId: `dlv-${i}`, transition: 'opened' } as NotificationPayload,
      },
    } as EventEnvelope);
  }
  p.apply(events);
  return p;
}

describe('dueDeliveries after an outage (review 20 #6)', () => {
  it('takes only as many as asked for, oldest first, skipping the ones the caller holds', () => {
    const p = queued(50);
    const all = p.dueDeliveries(at(49)).map((d) => d.view.queuedAt);
    expect(all).toEqual([...all].sort());
    expect(all).toHaveLength(50);
    const firstThree = p.dueDeliveries(at(49), 3);
    expect(firstThree.map((d) => d.view.queuedAt)).toEqual([at(0), at(1), at(2)]);
    const busy = new Set([firstThree[0]!.view.deliveryId, firstThree[2]!.view.deliveryId]);
    const next = p.dueDeliveries(at(49), 3, (id) => busy.has(id));
    expect(next.map((d) => d.view.queuedAt)).toEqual([at(1), at(3), at(4)]);
    expect(p.dueDeliveries(at(1), 10).map((d) => d.view.queuedAt)).toEqual([at(0), at(1)]);
    expect(p.dueDeliveries(at(49), 0)).toEqual([]);
  });

  it('does not parse dates while ordering: the work per call grows with the pending count, not n log n', () => {
    const n = 5_000;
    const p = queued(n);
    const parse = jest.spyOn(Date, 'parse');
    try {
      p.dueDeliveries(at(n), 8);
      p.dueDeliveries(at(n), 8);
      // Parsing each pending delivery's times once is fine; parsing in a comparator is ~n log n * 4.
      expect(parse.mock.calls.length).toBeLessThanOrEqual(3 * n + 10);
    } finally {
      parse.mockRestore();
    }
  });
});
