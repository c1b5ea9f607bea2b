import { maxSeverity, worse, type HealthBand, type Severity } from '@twinlog/domain';

export interface AnomalySettings {
  /** Points off the health index for an open episode of each severity. */
  penalty: Record<Severity, number>;
  /** A closed episode's penalty halves every this many hours. */
  halfLifeHours: number;
  /** The most the anomaly history takes off the index. */
  maxPenalty: number;
  /** Episodes remembered per twin (the newest). */
  remember: number;
}

export const DEFAULT_ANOMALY_SETTINGS: AnomalySettings = {
  penalty: { info: 0, warning: 5, alarm: 10, critical: 20 },
  halfLifeHours: 24,
  maxPenalty: 30,
  remember: 32,
};

interface Episode {
  /** The severity it opened with. */
  severity?: Severity;
  /** Each time it got worse (AnomalyEscalated), at its event time. */
  raised?: Array<{ severity: Severity; at: number }>;
  detectedAt?: number;
  clearedAt?: number;
  /** Which detector opened it and on which properties (a limits episode states a limit crossed). */
  origin?: AnomalyOrigin;
}

export interface AnomalyOrigin {
  detector: string;
  properties: readonly string[];
}

/** The band a limits episode of this severity says a reading reached (the limits detector's scores). */
const LIMIT_BAND: Record<Severity, HealthBand> = {
  info: 'normal',
  warning: 'warning',
  alarm: 'alarm',
  critical: 'failure',
};

export interface AnomalyStanding {
  /** Points taken off the health index. */
  penalty: number;
  /** Episodes open at the time asked, and the worst of their severities. */
  open: number;
  worstOpen: Severity | undefined;
  /** Per property, the worst band an open limits episode says a reading is in. */
  limitBands: ReadonlyMap<string, HealthBand>;
}

/** The anomaly service's limits detector (libs/analytics/src/detectors/limits.detector.ts). */
const LIMITS_DETECTOR = 'limits';

const RANK: Record<Severity, number> = { info: 0, warning: 1, alarm: 2, critical: 3 };

/**
 * A twin's anomaly episodes by event time, so the standing at any time is the same whatever
 * order the detections and clearings arrived in (a replay, a late event). Bounded: the newest
 * episodes only.
 */
export class AnomalyHistory {
  private readonly episodes = new Map<string, Episode>();

  constructor(private readonly settings: AnomalySettings = DEFAULT_ANOMALY_SETTINGS) {}

  detected(episodeId: string, severity: Severity, at: number, origin?: AnomalyOrigin): void {
    this.episodes.set(episodeId, {
      ...this.episodes.get(episodeId),
      severity,
      detectedAt: at,
      ...(origin ? { origin } : {}),
    });
    this.bound();
  }

  /** An open episode got worse at `at`: from then on it counts with that severity. */
  escalated(episodeId: string, severity: Severity, at: number): void {
    const e = this.episodes.get(episodeId);
    this.episodes.set(episodeId, { ...e, raised: [...(e?.raised ?? []), { severity, at }] });
    this.bound();
  }

  cleared(episodeId: string, at: number): void {
    this.episodes.set(episodeId, { ...this.episodes.get(episodeId), clearedAt: at });
    this.bound();
  }

  /**
   * Open episodes count in full, closed ones fade with their half-life; capped. `replacedAt`:
   * when each property was last reset (its part replaced); an episode on properties all reset
   * since it began was about the old part and counts for nothing (a new tool is neither past
   * its limit nor marked down for the worn one's episodes, whose clearing may come later).
   */
  standingAt(now: number, replacedAt: ReadonlyMap<string, number> = new Map()): AnomalyStanding {
    const { penalty, halfLifeHours, maxPenalty } = this.settings;
    let total = 0;
    let open = 0;
    let worstOpen: Severity | undefined;
    const limitBands = new Map<string, HealthBand>();
    for (const e of this.episodes.values()) {
      if (e.severity === undefined || e.detectedAt === undefined || e.detectedAt > now) continue;
      if (aboutReplacedPart(e, replacedAt)) continue;
      const closed = e.clearedAt !== undefined && e.clearedAt <= now;
      const severity = severityAt(e.severity, e.raised, now);
      if (!closed) {
        open += 1;
        if (!worstOpen || RANK[severity] > RANK[worstOpen]) worstOpen = severity;
        total += penalty[severity];
        if (e.origin?.detector === LIMITS_DETECTOR) {
          for (const property of e.origin.properties) {
            const band = LIMIT_BAND[severity];
            limitBands.set(
              property,
              worse(limitBands.get(property) ?? 'normal', band) as HealthBand,
            );
          }
        }
      } else {
        const ageHours = (now - e.clearedAt!) / 3_600_000;
        total += penalty[severity] * 0.5 ** (ageHours / halfLifeHours);
      }
    }
    return { penalty: Math.min(maxPenalty, total), open, worstOpen, limitBands };
  }

  private bound(): void {
    if (this.episodes.size <= this.settings.remember) return;
    const oldest = [...this.episodes.entries()].sort(
      ([, a], [, b]) => (a.detectedAt ?? a.clearedAt ?? 0) - (b.detectedAt ?? b.clearedAt ?? 0),
    );
    for (const [id] of oldest.slice(0, this.episodes.size - this.settings.remember)) {
      this.episodes.delete(id);
    }
  }
}

/** The worst severity an episode had reached by `now` (it never falls within an episode). */
function severityAt(opened: Severity, raised: Episode['raised'], now: number): Severity {
  return (raised ?? []).reduce(
    (worst, r) => (r.at <= now ? maxSeverity(worst, r.severity) : worst),
    opened,
  );
}

function aboutReplacedPart(e: Episode, replacedAt: ReadonlyMap<string, number>): boolean {
  const properties = e.origin?.properties ?? [];
  return (
    properties.length > 0 &&
    properties.every((p) => (replacedAt.get(p) ?? Number.NEGATIVE_INFINITY) > e.detectedAt!)
  );
}
