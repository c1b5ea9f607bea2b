import type { EventEnvelope, MaintenanceKind, Severity } from '@twinlog/domain';

/** What a health model needs to know of a twin's twin-events besides its limits. */
export type HistoryEntry =
  | {
      kind: 'maintained';
      maintenance: MaintenanceKind;
      at: number;
      resets: string[];
      /** The MaintenancePerformed event: what a report cites (ADR 0022). */
      eventId?: string;
    }
  | {
      kind: 'anomaly-detected';
      episodeId: string;
      severity: Severity;
      at: number;
      /** Which detector opened it, on which properties: a limits episode states a limit crossed. */
      detector: string;
      properties: string[];
      /** The AnomalyDetected event: what a report cites. */
      eventId?: string;
    }
  | {
      kind: 'anomaly-escalated';
      episodeId: string;
      severity: Severity;
      at: number;
      /** The AnomalyEscalated event: what a report cites for the severity. */
      eventId?: string;
    }
  | { kind: 'anomaly-cleared'; episodeId: string; at: number };

/** Entries remembered per twin: the newest; older ones no longer move a prediction. */
const REMEMBER = 64;

/**
 * Every twin's recent maintenance and anomaly episodes, from twin-events (replayed at start,
 * then followed): a health model created later (a partition taken over) is seeded with them,
 * and they take effect at their own event time, so the order they are seen in does not matter.
 */
export class ComponentHistory {
  private readonly entries = new Map<string, HistoryEntry[]>();

  /** The entries the events carry, in order, by twin (a maintenance on a component is also the component's). */
  apply(events: readonly EventEnvelope[]): Array<{ twinId: string; entry: HistoryEntry }> {
    const added: Array<{ twinId: string; entry: HistoryEntry }> = [];
    for (const event of events) {
      for (const item of entriesOf(event)) {
        const list = this.entries.get(item.twinId) ?? [];
        list.push(item.entry);
        if (list.length > REMEMBER) list.splice(0, list.length - REMEMBER);
        this.entries.set(item.twinId, list);
        added.push(item);
      }
    }
    return added;
  }

  of(twinId: string): readonly HistoryEntry[] {
    return this.entries.get(twinId) ?? [];
  }
}

function entriesOf(event: EventEnvelope): Array<{ twinId: string; entry: HistoryEntry }> {
  switch (event.type) {
    case 'MaintenancePerformed': {
      const entry: HistoryEntry = {
        kind: 'maintained',
        maintenance: event.data.kind,
        at: Date.parse(event.data.performedAt),
        resets: event.data.resets,
        eventId: event.id,
      };
      const component = event.data.componentId;
      // Work recorded on a machine for one of its components resets that component's model.
      if (component && component !== event.twinId) {
        return [{ twinId: component, entry: { ...entry, resets: [] } }];
      }
      return [{ twinId: event.twinId, entry }];
    }
    case 'AnomalyDetected':
      return [
        {
          twinId: event.twinId,
          entry: {
            kind: 'anomaly-detected',
            episodeId: event.data.episodeId,
            severity: event.data.severity,
            at: Date.parse(event.occurredAt),
            detector: event.data.detector,
            properties: event.data.properties,
            eventId: event.id,
          },
        },
      ];
    case 'AnomalyEscalated':
      return [
        {
          twinId: event.twinId,
          entry: {
            kind: 'anomaly-escalated',
            episodeId: event.data.episodeId,
            severity: event.data.severity,
            at: Date.parse(event.occurredAt),
            eventId: event.id,
          },
        },
      ];
    case 'AnomalyCleared':
      return [
        {
          twinId: event.twinId,
          entry: {
            kind: 'anomaly-cleared',
            episodeId: event.data.episodeId,
            at: Date.parse(event.occurredAt),
          },
        },
      ];
    default:
      return [];
  }
}
