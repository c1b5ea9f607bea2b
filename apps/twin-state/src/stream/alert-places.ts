import { isAlertEvent, type EventEnvelope } from '@twinlog/domain';
import type { LogPosition } from '@twinlog/event-log';

/**
 * Alerts remembered at most; the oldest noted go first (an alert's later events then go by its
 * group twin's site). Alerts are few by design: one per episode, grouped by system.
 */
const MAX_ALERTS = 50_000;

interface AlertPlace {
  site: string | null;
  /** Member twins with the offset of the event that made each one (the alert's partition). */
  members: Array<{ twinId: string; offset: number }>;
}

/** Where an alert's message belongs: its site (undefined: not known here) and its twins. */
export interface AlertPlacement {
  site: string | null | undefined;
  /** The group's twin first, then the members the alert had at that event. */
  twins: string[];
}

/**
 * What the live stream knows of the alerts it saw open (twin-state replays no alerts at start):
 * each one's site (`AlertOpened.data.site`) and member twins, so that its later events
 * (acknowledged, resolved, ...) reach the clients of its site and of its members' twins and
 * subtrees. Noted by the live follower only, and read as of a message's position: an alert's
 * events share its group's partition, so a member counts from the event that made it on, the
 * same for a live message and one resumed from the log.
 */
export class AlertPlaces {
  private readonly alerts = new Map<string, AlertPlace>();

  /** An alert event read by the live follower at `position`. */
  note(event: EventEnvelope, position: LogPosition): void {
    if (!isAlertEvent(event)) return;
    if (event.type === 'AlertOpened') {
      this.alerts.delete(event.data.alertId);
      this.alerts.set(event.data.alertId, {
        site: event.data.site,
        members: [{ twinId: event.data.member.twinId, offset: position.offset }],
      });
      if (this.alerts.size > MAX_ALERTS) this.alerts.delete(this.alerts.keys().next().value!);
      return;
    }
    if (event.type !== 'AlertMemberJoined' && event.type !== 'AlertReopened') return;
    const place = this.alerts.get(event.data.alertId);
    const twinId = event.data.member.twinId;
    if (place && !place.members.some((m) => m.twinId === twinId))
      place.members.push({ twinId, offset: position.offset });
  }

  /** Where an alert event at `position` belongs; undefined for an event of no alert. */
  placementOf(event: EventEnvelope, position: LogPosition): AlertPlacement | undefined {
    if (!isAlertEvent(event) || !('alertId' in event.data)) return undefined;
    const twins = new Set([event.twinId]);
    if ('member' in event.data) twins.add(event.data.member.twinId);
    const place = this.alerts.get(event.data.alertId);
    for (const m of place?.members ?? []) if (m.offset <= position.offset) twins.add(m.twinId);
    const site = event.type === 'AlertOpened' ? event.data.site : place?.site;
    return { site, twins: [...twins] };
  }
}
