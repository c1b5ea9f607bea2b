import { isAlertEvent, type AlertMember, type EventEnvelope } from '@twinlog/domain';

/** Which twins' sites a caller may see; `() => true` for a caller of every site. */
export type SiteFilter = (site: string | null) => boolean;

/** Most events name no other twin: one shared answer, no allocation per message. */
const NONE: readonly string[] = Object.freeze([]);

/**
 * The other twins an event names besides its own: a child attached, the parent registered
 * under, an alert's member twins (an alert keyed by its system names the machines under it).
 */
export function relativesNamed(event: EventEnvelope): readonly string[] {
  if (event.type === 'ChildAttached') return [event.data.childId];
  if (event.type === 'TwinRegistered')
    return event.data.parentId === null ? NONE : [event.data.parentId];
  if (!isAlertEvent(event)) return NONE;
  const named = new Set<string>();
  const add = (m: Pick<AlertMember, 'twinId' | 'cause'>) => {
    named.add(m.twinId);
    named.add(m.cause.twinId);
  };
  switch (event.type) {
    case 'AlertOpened':
      named.add(event.data.groupKey);
      add(event.data.member);
      break;
    case 'AlertMemberJoined':
    case 'AlertReopened':
      add(event.data.member);
      break;
    case 'AlertNotificationQueued': {
      const { alert } = event.data.payload;
      named.add(alert.groupKey).add(alert.subject);
      alert.members.forEach(add);
      break;
    }
    default:
      break;
  }
  named.delete(event.twinId);
  return [...named];
}

/**
 * Whether an event names a relative of a site the caller cannot see: such events are left out
 * of what that caller gets, in the audit trail and on the live stream alike, so that a twin
 * of another site stays indistinguishable from none. `siteOf` says where a twin sits (null:
 * unknown, seen only by callers of every site).
 */
export function namesHidden(
  event: EventEnvelope,
  see: SiteFilter,
  siteOf: (twinId: string) => string | null,
): boolean {
  return relativesNamed(event).some((relative) => !see(siteOf(relative)));
}
