import { Injectable } from '@nestjs/common';
import type { TwinState } from '@twinlog/domain';
import type { RecordedEvent } from '@twinlog/event-log';
import { TwinDirectory } from '@twinlog/read-models';
import { EpisodeIndex } from '../ai/episode-index';

/**
 * With shared replicas (ADR 0023), what every replica knows of every twin, whichever owns it:
 * the twin-events folded (the hierarchy, sites, limits, open anomalies; small next to
 * telemetry), and which twin each anomaly episode is of. It answers who a twin's relatives are
 * and whether the caller may see them, and where a request about an episode goes. Followed only
 * with shared replicas; with one, the live state holds every twin and this stays empty.
 */
@Injectable()
export class WholeDirectory {
  private readonly directory = new TwinDirectory();
  readonly episodes = new EpisodeIndex();
  private caughtUpNow: () => void = () => undefined;
  /** Resolves once the start-up replay of twin-events is done. */
  readonly ready = new Promise<void>((resolve) => (this.caughtUpNow = resolve));

  /** The start-up replay is done: the directory knows every twin. */
  caughtUp(): void {
    this.caughtUpNow();
  }

  apply(batch: RecordedEvent[]): void {
    const events = batch.map((r) => r.event);
    this.directory.apply(events);
    for (const event of events) this.episodes.note(event);
  }

  /** The twin's twin-events state (no readings), or undefined when it is not registered. */
  get(twinId: string): TwinState | undefined {
    const state = this.directory.get(twinId);
    return state && state.status !== 'unregistered' ? state : undefined;
  }

  /** The twin an episode is of, when the directory knows it. */
  twinOfEpisode(episodeId: string): string | undefined {
    return this.episodes.twinOf(episodeId, (id) => this.get(id) !== undefined);
  }

  get size(): number {
    return this.directory.size;
  }
}
