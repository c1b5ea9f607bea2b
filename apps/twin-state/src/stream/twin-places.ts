import type { EventEnvelope } from '@twinlog/domain';
import type { LogPosition } from '@twinlog/event-log';
import type { StreamCursor } from './stream-cursor';

/** Deeper than any hierarchy (process > system > asset > component); stops a cycle. */
const MAX_DEPTH = 16;

interface Place {
  site: string | null;
  parentId: string | null;
  /**
   * Where the live follower stood when it read the registration (before it): the events it
   * read after it are exactly those at or past this cursor, per partition. Absent for twins
   * registered before this instance started.
   */
  from?: StreamCursor;
}

/**
 * Where each twin sits, for the stream's filters: its site and its parent. Kept by the stream
 * itself (registration is the only event that sets them) so that reading it never touches the
 * live state's copy-on-write bookkeeping.
 *
 * A twin's place is looked up as of a message's position: known only for messages the live
 * follower read after the registration. The live stream and a resume from the log then agree
 * on a message whose twin was registered on the other stream of the log just after it.
 */
export class TwinPlaces {
  private readonly places = new Map<string, Place>();

  /**
   * `elsewhere`: where the twins not in `initial` sit, registered before this instance started
   * (shared replicas: those other replicas hold, known from the directory).
   */
  constructor(
    initial: Iterable<{ twinId: string; site: string | null; parentId: string | null }>,
    private readonly elsewhere: (
      twinId: string,
    ) => { site: string | null; parentId: string | null } | undefined = () => undefined,
  ) {
    for (const p of initial) this.places.set(p.twinId, { site: p.site, parentId: p.parentId });
  }

  /** A registration read by the live follower at `from` (its cursor before the event). */
  note(event: EventEnvelope, from?: StreamCursor): void {
    if (event.type === 'TwinRegistered')
      this.places.set(event.twinId, {
        site: event.data.site,
        parentId: event.data.parentId,
        ...(from ? { from } : {}),
      });
  }

  /** The twin's site as a message at `at` sees it (null: unknown then, or none). */
  siteOf(twinId: string, at?: LogPosition): string | null {
    return this.placeOf(twinId, at)?.site ?? null;
  }

  /** Parent, grandparent, ... up to the root (as a message at `at` sees them). */
  ancestorsOf(twinId: string, at?: LogPosition): string[] {
    const found: string[] = [];
    let parent = this.placeOf(twinId, at)?.parentId ?? null;
    while (parent !== null && found.length < MAX_DEPTH && !found.includes(parent)) {
      found.push(parent);
      parent = this.placeOf(parent, at)?.parentId ?? null;
    }
    return found;
  }

  private placeOf(twinId: string, at: LogPosition | undefined): Place | undefined {
    const place: Place | undefined = this.places.get(twinId) ?? this.elsewhere(twinId);
    if (!place || !place.from || !at) return place;
    return place.from.before(at) ? place : undefined;
  }
}
