import type { EventEnvelope } from '@twinlog/domain';

/** Deeper than any hierarchy (process > system > asset > component); stops a cycle. */
const MAX_DEPTH = 16;

/**
 * Where each twin sits, for the stream's filters: its site and its parent. Kept by the stream
 * itself (registration is the only event that sets them) so that reading it never touches the
 * live state's copy-on-write bookkeeping.
 */
export class TwinPlaces {
  private readonly places = new Map<string, { site: string | null; parentId: string | null }>();

  constructor(initial: Iterable<{ twinId: string; site: string | null; parentId: string | null }>) {
    for (const p of initial) this.places.set(p.twinId, { site: p.site, parentId: p.parentId });
  }

  note(event: EventEnvelope): void {
    if (event.type === 'TwinRegistered')
      this.places.set(event.twinId, { site: event.data.site, parentId: event.data.parentId });
  }

  siteOf(twinId: string): string | null {
    return this.places.get(twinId)?.site ?? null;
  }

  /** Parent, grandparent, ... up to the root. */
  ancestorsOf(twinId: string): string[] {
    const found: string[] = [];
    let parent = this.places.get(twinId)?.parentId ?? null;
    while (parent !== null && found.length < MAX_DEPTH && !found.includes(parent)) {
      found.push(parent);
      parent = this.places.get(parent)?.parentId ?? null;
    }
    return found;
  }
}
