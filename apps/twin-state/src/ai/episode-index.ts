import { maxSeverity, type EventEnvelope, type Severity, type TwinState } from '@twinlog/domain';

/** An anomaly episode as the index knows it: enough to find its twin and its neighbours'. */
export interface IndexedEpisode {
  episodeId: string;
  twinId: string;
  detector: string;
  properties: string[];
  severity: Severity;
  detectedAt: string;
  clearedAt: string | null;
}

/** Episodes kept at most; the oldest go first (a twin's id in the episode id still finds them). */
export const EPISODE_INDEX_MAX = 200_000;

/**
 * episodeId → twin, folded with the live state (AnomalyDetected / AnomalyEscalated /
 * AnomalyCleared), seeded at start from the snapshots' open episodes. An episode folded before
 * the snapshots (cleared long ago) is not in it: `twinOf` then tries the twin the anomaly
 * workers name at the start of every episode id (`<twinId>:<property>:<detector>:<readingId>`),
 * which the caller checks in the log.
 */
export class EpisodeIndex {
  private readonly byId = new Map<string, IndexedEpisode>();

  constructor(private readonly max = EPISODE_INDEX_MAX) {}

  /** Folds what a twin-events event says about an episode; other events change nothing. */
  note(event: EventEnvelope): void {
    if (event.type === 'AnomalyDetected') {
      const known = this.byId.get(event.data.episodeId);
      this.put({
        episodeId: event.data.episodeId,
        twinId: event.twinId,
        detector: event.data.detector,
        properties: event.data.properties,
        severity: event.data.severity,
        // A repeated detection updates the episode; its start stays.
        detectedAt: known?.detectedAt ?? event.occurredAt,
        clearedAt: null,
      });
    } else if (event.type === 'AnomalyEscalated') {
      const known = this.byId.get(event.data.episodeId);
      if (known && known.twinId === event.twinId && known.clearedAt === null)
        known.severity = maxSeverity(known.severity, event.data.severity);
    } else if (event.type === 'AnomalyCleared') {
      const known = this.byId.get(event.data.episodeId);
      if (known && known.twinId === event.twinId) known.clearedAt = event.occurredAt;
    }
  }

  /** The open episodes of restored states (a snapshot keeps those, not the cleared ones). */
  seed(states: readonly TwinState[]): void {
    for (const state of states)
      for (const [episodeId, a] of Object.entries(state.activeAnomalies))
        if (!this.byId.has(episodeId))
          this.put({
            episodeId,
            twinId: state.twinId,
            detector: a.detector,
            properties: a.properties,
            severity: a.severity,
            detectedAt: a.since,
            clearedAt: null,
          });
  }

  get(episodeId: string): IndexedEpisode | undefined {
    return this.byId.get(episodeId);
  }

  /**
   * The twin whose episode this is: the index's, else the longest `<twinId>:` the id starts
   * with among the twins `exists` knows (a guess: the log has the last word).
   */
  twinOf(episodeId: string, exists: (twinId: string) => boolean): string | undefined {
    const known = this.byId.get(episodeId);
    if (known) return known.twinId;
    for (let end = episodeId.lastIndexOf(':'); end > 0; end = episodeId.lastIndexOf(':', end - 1)) {
      const twinId = episodeId.slice(0, end);
      if (exists(twinId)) return twinId;
    }
    return undefined;
  }

  /** Episodes of these twins that were open at some time within `withinMs` of `at`, newest first. */
  near(twinIds: ReadonlySet<string>, at: string, withinMs: number, max: number): IndexedEpisode[] {
    const from = Date.parse(at) - withinMs;
    const to = Date.parse(at) + withinMs;
    const found: IndexedEpisode[] = [];
    for (const e of this.byId.values()) {
      if (!twinIds.has(e.twinId)) continue;
      const start = Date.parse(e.detectedAt);
      const end = e.clearedAt === null ? Number.POSITIVE_INFINITY : Date.parse(e.clearedAt);
      if (start <= to && end >= from) found.push(e);
    }
    return found
      .sort((a, b) => (a.detectedAt < b.detectedAt ? 1 : a.detectedAt > b.detectedAt ? -1 : 0))
      .slice(0, max);
  }

  get size(): number {
    return this.byId.size;
  }

  private put(episode: IndexedEpisode): void {
    this.byId.delete(episode.episodeId);
    this.byId.set(episode.episodeId, episode);
    if (this.byId.size > this.max) {
      const oldest = this.byId.keys().next().value;
      if (oldest !== undefined) this.byId.delete(oldest);
    }
  }
}
