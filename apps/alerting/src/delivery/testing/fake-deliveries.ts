import type { DeliveryView } from '@twinlog/domain';
import type { DueDelivery } from '../delivery-runner';
import type { DeliveryOutcome } from '../delivery-outcome';
import { payloadFixture } from './payload-fixture';

/**
 * Stands in for the projection and the engine around a DeliveryRunner: `count` pending
 * deliveries to `channelId`; `record` marks a delivered or permanently failed one done and
 * keeps a retryable one due (no backoff: the tests drive time).
 */
export class FakeDeliveries {
  readonly recorded: Array<{ deliveryId: string; outcome: DeliveryOutcome; jitter: number }> = [];
  private readonly pending: DueDelivery[];

  constructor(count: number, channelId = 'ch-1') {
    this.pending = Array.from({ length: count }, (_, i) => {
      const deliveryId = `dlv-${String(i).padStart(4, '0')}`;
      const view: DeliveryView = {
        deliveryId,
        alertId: `alr-${i}`,
        channelId,
        ruleId: 'default',
        transition: 'opened',
        status: 'pending',
        queuedAt: '2026-12-06T10:00:00.000Z',
        notBefore: '2026-12-06T10:00:00.000Z',
        nextAttemptAt: null,
        attempts: 0,
        lastError: null,
        lastStatus: null,
        deliveredAt: null,
        deadAt: null,
      };
      return {
        view,
        payload: payloadFixture({ deliveryId, alertId: `alr-${i}` }),
        groupKey: 'line-1',
      };
    });
  }

  /** The `limit` of each call of `due`. */
  readonly asked: number[] = [];

  due = (_now?: string, limit = Infinity, skip?: (id: string) => boolean): DueDelivery[] => {
    this.asked.push(limit);
    return this.pending.filter((d) => !skip?.(d.view.deliveryId)).slice(0, limit);
  };

  record = async (deliveryId: string, outcome: DeliveryOutcome, jitter: number): Promise<void> => {
    this.recorded.push({ deliveryId, outcome, jitter });
    if (outcome.ok || outcome.permanent) {
      const at = this.pending.findIndex((d) => d.view.deliveryId === deliveryId);
      if (at >= 0) this.pending.splice(at, 1);
    }
  };

  get left(): number {
    return this.pending.length;
  }
}
