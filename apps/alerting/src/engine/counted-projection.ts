import { AlertsProjection, isAlertEvent, type EventEnvelope } from '@twinlog/domain';

/**
 * The alerts projection with its unresolved alerts counted as events fold (review 20 #8): the
 * ready probe answers the count in O(1), not by sorting every alert on each call. An event
 * counts by what it did to its alert's status, so a duplicate, or one the book ignores, does
 * not count.
 */
export class CountedAlertsProjection extends AlertsProjection {
  private unresolved = 0;

  get unresolvedCount(): number {
    return this.unresolved;
  }

  override apply(events: readonly EventEnvelope[]): void {
    for (const event of events) {
      const alertId = isAlertEvent(event) ? alertIdOf(event.data) : undefined;
      if (alertId === undefined) {
        super.apply([event]);
        continue;
      }
      const before = this.isUnresolved(alertId);
      super.apply([event]);
      const after = this.isUnresolved(alertId);
      if (before !== after) this.unresolved += after ? 1 : -1;
    }
  }

  private isUnresolved(alertId: string): boolean {
    const status = this.alert(alertId)?.status;
    return status !== undefined && status !== 'resolved';
  }
}

/** The unresolved alerts of a projection: counted when it counts them, else counted now. */
export function unresolvedAlertsOf(projection: AlertsProjection): number {
  return projection instanceof CountedAlertsProjection
    ? projection.unresolvedCount
    : projection.alerts().filter((a) => a.status !== 'resolved').length;
}

function alertIdOf(data: unknown): string | undefined {
  const id = (data as { alertId?: unknown }).alertId;
  return typeof id === 'string' ? id : undefined;
}
