import type { EventEnvelope } from '@twinlog/domain';

/** Which twins' sites a caller may see; `() => true` for a caller of every site. */
export type SiteFilter = (site: string | null) => boolean;

/** The other twin an event names (a child attached, the parent registered under), if any. */
export function relativeNamed(event: EventEnvelope): string | null {
  if (event.type === 'ChildAttached') return event.data.childId;
  if (event.type === 'TwinRegistered') return event.data.parentId;
  return null;
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
  const relative = relativeNamed(event);
  return relative !== null && !see(siteOf(relative));
}
