import { setOwn, type Severity } from '@twinlog/domain';
import { MissingDataDetector } from '../detectors/missing-data.detector';
import { EpisodeTracker, type EpisodeTrackerState } from '../episodes/episode-tracker';
import type { AnomalyChange, MonitoredReading } from './reading-and-change';

export const MISSING_DATA_DETECTOR = 'missing-data';

/** A sensor's silence is a fact once it is long enough: it opens at once and ends with the next reading. */
const SILENCE_EPISODES = { open: 0.5, close: 0.5, minRun: 1, minRunToClose: 1, smoothing: 1 };

interface Watched {
  detector: MissingDataDetector;
  tracker: EpisodeTracker;
  episodeId: string | null;
}

export interface SilenceWatchState {
  [property: string]: {
    detector: { lastAt: number | undefined; interval: number | undefined };
    tracker: EpisodeTrackerState;
    episodeId: string | null;
  };
}

/**
 * Sensors of a twin that stopped reporting while the rest of the twin carries on. Time is the
 * twin's own: the newest event time among its readings, so the verdict is a function of the
 * readings alone (deterministic on replay and takeover). A property is silent when its gap
 * reaches `factor` times its usual interval. A twin that goes entirely quiet sends nothing to
 * judge by; that needs a clock and is not this watch's to tell.
 */
export class SilenceWatch {
  private readonly watched = new Map<string, Watched>();
  private twinNow = -Infinity;

  constructor(
    private readonly twinId: string,
    private readonly factorOf: (property: string) => number | undefined,
  ) {}

  observe(readings: MonitoredReading[]): AnomalyChange[] {
    if (readings.length === 0) return [];
    for (const reading of readings) {
      this.watch(reading.property)?.detector.seen(reading.at);
      if (reading.at > this.twinNow) this.twinNow = reading.at;
    }
    const last = readings[readings.length - 1]!;
    const changes: AnomalyChange[] = [];
    for (const [property, w] of this.watched) {
      const verdict = w.detector.check(this.twinNow);
      const change = w.tracker.next(verdict.score);
      if (change === 'opened') {
        w.episodeId = `${this.twinId}:${property}:${MISSING_DATA_DETECTOR}:${last.readingId}`;
        const usual = (w.detector.usualIntervalMs ?? 0) / 1000;
        changes.push({
          kind: 'detected',
          episodeId: w.episodeId,
          detector: MISSING_DATA_DETECTOR,
          property,
          score: verdict.score,
          severity: severityOf(verdict.score),
          // The evidence is the silence: seconds since the property's last reading, against the
          // longest gap still considered normal.
          evidence: [
            {
              property,
              observed: (verdict.overdueMs + (w.detector.usualIntervalMs ?? 0)) / 1000,
              expected: usual,
              expectedHigh: usual * (this.factorOf(property) ?? 0),
            },
          ],
          at: this.twinNow,
        });
      } else if (change === 'closed' && w.episodeId) {
        changes.push({
          kind: 'cleared',
          episodeId: w.episodeId,
          detector: MISSING_DATA_DETECTOR,
          property,
          at: this.twinNow,
        });
        w.episodeId = null;
      }
    }
    return changes;
  }

  snapshot(): SilenceWatchState {
    const state: SilenceWatchState = {};
    for (const [property, w] of this.watched)
      setOwn(state, property, {
        detector: w.detector.snapshot(),
        tracker: w.tracker.snapshot(),
        episodeId: w.episodeId,
      });
    return state;
  }

  restore(state: SilenceWatchState, twinNow: number): void {
    this.twinNow = twinNow;
    for (const [property, saved] of Object.entries(state)) {
      const w = this.watch(property);
      if (!w) continue;
      w.detector.restore(saved.detector);
      w.tracker.restore(saved.tracker);
      w.episodeId = saved.episodeId;
    }
  }

  get now(): number {
    return this.twinNow;
  }

  private watch(property: string): Watched | undefined {
    let w = this.watched.get(property);
    if (!w) {
      const factor = this.factorOf(property);
      if (factor === undefined) return undefined;
      w = {
        detector: new MissingDataDetector(factor),
        tracker: new EpisodeTracker(SILENCE_EPISODES),
        episodeId: null,
      };
      this.watched.set(property, w);
    }
    return w;
  }
}

function severityOf(score: number): Severity {
  return score >= 0.75 ? 'alarm' : 'warning';
}
