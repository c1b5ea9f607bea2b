import type { EventEnvelope, Limits } from '@twinlog/domain';
import type { LimitSnapshot } from '@twinlog/telemetry-store';

/**
 * The limit snapshots a batch of twin events makes: one per property at registration and at a
 * model version change (the model's limits then), one per LimitsChanged. `siteOf` names a
 * twin's site for events that do not carry it.
 */
export function limitSnapshots(
  events: EventEnvelope[],
  siteOf: (twinId: string) => { site: string | null } | undefined,
): LimitSnapshot[] {
  const snapshots: LimitSnapshot[] = [];
  // A twin registered in this very batch: its site is known before the directory has it.
  const registered = new Map<string, { site: string | null }>();
  for (const event of events) {
    const at = { twinId: event.twinId, time: event.occurredAt, revision: event.revision };
    switch (event.type) {
      case 'TwinRegistered':
        registered.set(event.twinId, { site: event.data.site });
        for (const [property, limits] of Object.entries(event.data.limits))
          snapshots.push({ ...at, site: event.data.site, property, bounds: boundsOf(limits) });
        break;
      case 'ModelVersionChanged':
      case 'LimitsChanged': {
        const twin = registered.get(event.twinId) ?? siteOf(event.twinId);
        // The directory lags twin-events by moments: retried (the offset stays uncommitted).
        if (!twin) throw new Error(`twin ${event.twinId} is not in the directory yet`);
        const changed =
          event.type === 'LimitsChanged'
            ? { [event.data.property]: event.data.limits }
            : event.data.limits;
        for (const [property, limits] of Object.entries(changed))
          snapshots.push({ ...at, site: twin.site, property, bounds: boundsOf(limits) });
        break;
      }
      default:
        break;
    }
  }
  return snapshots;
}

/** `{ alarm: { high: 80 } }` as `{ alarm_high: 80 }`. */
export function boundsOf(limits: Limits): Record<string, number> {
  const bounds: Record<string, number> = {};
  for (const level of ['normal', 'warning', 'alarm', 'failure'] as const) {
    const band = limits[level];
    if (band?.low !== undefined) bounds[`${level}_low`] = band.low;
    if (band?.high !== undefined) bounds[`${level}_high`] = band.high;
  }
  return bounds;
}
