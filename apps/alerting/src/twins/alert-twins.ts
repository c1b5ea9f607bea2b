import { Injectable } from '@nestjs/common';
import type { AlertExplanation, AlertTwinInfo, EventEnvelope } from '@twinlog/domain';
import { TwinDirectory } from '@twinlog/read-models';

/** Findings the analytics derive from a twin's readings: the twin has reported telemetry. */
const FROM_READINGS = new Set([
  'AnomalyDetected',
  'AnomalyEscalated',
  'AnomalyCleared',
  'MaintenancePredicted',
]);

/**
 * What alerting knows of the twins (type, site, parent, level, retired), folded from the whole
 * twin-events stream like every service's directory: replayed at start, then followed. The
 * decisions look twins up through `lookup`; the silence watcher starts from `reported()`.
 */
@Injectable()
export class AlertTwins {
  readonly directory = new TwinDirectory();
  private readonly ids = new Set<string>();
  private readonly withReadings = new Set<string>();
  /** The latest AnomalyExplained of each episode (docs/ai.md): shown on its alert, never decided on. */
  private readonly explanations = new Map<string, AlertExplanation>();

  apply(events: readonly EventEnvelope[]): void {
    this.directory.apply(events);
    for (const event of events) {
      if (event.type === 'TwinRegistered') this.ids.add(event.twinId);
      else if (FROM_READINGS.has(event.type)) this.withReadings.add(event.twinId);
      else if (event.type === 'AnomalyExplained') {
        const { episodeId, summary, likelyCauses, checkFirst, model } = event.data;
        this.explanations.set(episodeId, {
          episodeId,
          twinId: event.twinId,
          eventId: event.id,
          explainedAt: event.occurredAt,
          summary,
          likelyCauses,
          checkFirst,
          model,
        });
      }
    }
  }

  readonly lookup = (twinId: string): AlertTwinInfo | undefined => {
    const twin = this.directory.get(twinId);
    if (!twin || twin.status === 'unregistered') return undefined;
    return {
      twinId,
      twinType: twin.twinType,
      site: twin.site,
      parentId: twin.parentId,
      level: twin.level,
      retired: twin.status === 'retired',
    };
  };

  /** The latest explanation of a twin's anomaly episode, if any. */
  explanationOf(twinId: string, episodeId: string): AlertExplanation | undefined {
    const found = this.explanations.get(episodeId);
    return found?.twinId === twinId ? found : undefined;
  }

  /** Every registered twin not retired. */
  known(): string[] {
    return [...this.ids].filter((id) => this.lookup(id)?.retired === false);
  }

  /**
   * Twins not retired that the log shows have reported readings (an anomaly or a prediction was
   * derived from them): the twins a restart keeps watching for silence before they report again.
   */
  reported(): string[] {
    return [...this.withReadings].filter((id) => this.lookup(id)?.retired === false);
  }

  get size(): number {
    return this.directory.size;
  }
}
