import {
  bandOf,
  type HealthBand,
  type Limits,
  type MaintenanceKind,
  type MaintenanceSpec,
  type Severity,
} from '@twinlog/domain';
import { AnomalyHistory, type AnomalyOrigin } from './anomaly-history';
import { calibratedLevels } from './band-calibration';
import {
  DEFAULT_COMPONENT_HEALTH,
  type ComponentHealthSettings,
} from './component-health-settings';
import { DegradationTrack, type IndicatorState } from './degradation-track';
import { assessHealth, type HealthAssessment } from './health-assessment';
import { healthIndicators, type IndicatorSpec } from './health-indicators';

export interface ObservedReading {
  property: string;
  value: number;
  /** Event time, epoch ms. */
  at: number;
}

export interface MaintenanceDone {
  kind: MaintenanceKind;
  at: number;
  /** Properties it reset; none means the kind decides (a replacement resets every indicator). */
  resets: string[];
}

const REPLACING: ReadonlySet<MaintenanceKind> = new Set([
  'tool-replaced',
  'part-replaced',
  'repair',
]);
const SERVICING: ReadonlySet<MaintenanceKind> = new Set(['lubrication', 'calibration']);

/**
 * One twin's health, remaining life and recommendation, streaming: readings in event time
 * order, maintenance and anomaly episodes whenever they arrive (they take effect at their own
 * event time). Pure and bounded: time comes in with the events, memory does not grow with them.
 * `due()` says when a new prediction is worth making (once per checkpoint interval of event
 * time, or at once when an indicator enters a worse band or maintenance reset it), so the same
 * sequence of events always gives the same predictions at the same times.
 */
export class ComponentHealthModel {
  private specs: IndicatorSpec[];
  private readonly tracks = new Map<string, DegradationTrack>();
  private readonly anomalies: AnomalyHistory;
  /** Maintenance later than the newest reading: applied when the readings reach its time. */
  private pending: MaintenanceDone[] = [];
  private newestAt: number | undefined;
  private lastSlot = Number.NEGATIVE_INFINITY;
  private lastBands = new Map<string, HealthBand>();
  /** When each property was last reset (its part replaced): earlier episodes were the old part's. */
  private readonly replacedAt = new Map<string, number>();
  private significant = false;

  constructor(
    readonly twinId: string,
    limits: Record<string, Limits>,
    private maintenance: MaintenanceSpec | undefined,
    private readonly settings: ComponentHealthSettings = DEFAULT_COMPONENT_HEALTH,
  ) {
    this.specs = healthIndicators(limits);
    this.anomalies = new AnomalyHistory(settings.anomalies);
  }

  /** Whether any of the twin's properties can tell its health (has a failure or alarm limit). */
  get judged(): boolean {
    return this.specs.length > 0;
  }

  /** New limits or a new model version: the histories stay, the indicators are re-read. */
  reconfigure(limits: Record<string, Limits>, maintenance: MaintenanceSpec | undefined): void {
    this.specs = healthIndicators(limits);
    this.maintenance = maintenance;
  }

  observe(readings: readonly ObservedReading[]): void {
    for (const reading of readings) {
      this.applyPendingUpTo(reading.at);
      for (const spec of this.specs) {
        if (spec.property !== reading.property) continue;
        const track = this.trackOf(spec);
        track.observe(reading.at, reading.value);
        const band = bandOf(track.currentLevel()!, spec.limits);
        if (rank(band) > rank(this.lastBands.get(spec.id) ?? 'normal')) this.significant = true;
      }
      if (this.newestAt === undefined || reading.at > this.newestAt) this.newestAt = reading.at;
    }
  }

  maintained(done: MaintenanceDone): void {
    if (this.newestAt !== undefined && done.at <= this.newestAt) this.apply(done);
    else this.pending = [...this.pending, done].sort((a, b) => a.at - b.at);
  }

  /**
   * An anomaly episode opened. It makes no prediction by itself: the anomalies arrive on another
   * stream, before or after the readings of their time depending on how the streams interleave,
   * and a prediction triggered by their arrival would fall at a different event time in a replay
   * or after a restart (the predictions' ids are their event times). The next checkpoint, or a
   * band that worsens, takes it into account, so a prediction lags an open anomaly by at most
   * one checkpoint interval of event time.
   */
  anomalyDetected(episodeId: string, severity: Severity, at: number, origin?: AnomalyOrigin): void {
    this.anomalies.detected(episodeId, severity, at, origin);
  }

  /** An open episode got worse (see anomalyDetected: no prediction by itself either). */
  anomalyEscalated(episodeId: string, severity: Severity, at: number): void {
    this.anomalies.escalated(episodeId, severity, at);
  }

  anomalyCleared(episodeId: string, at: number): void {
    this.anomalies.cleared(episodeId, at);
  }

  /** A prediction is due: a new checkpoint interval began, a band worsened, or maintenance reset it. */
  due(): boolean {
    if (this.newestAt === undefined || !this.judged) return false;
    return this.significant || this.slotOf(this.newestAt) > this.lastSlot;
  }

  /** The assessment now, and the schedule moves on (call when `due()`). */
  checkpoint(): HealthAssessment | undefined {
    const evaluated = this.evaluate();
    if (!evaluated) return undefined;
    this.lastSlot = this.slotOf(evaluated.assessment.at);
    this.significant = false;
    this.lastBands = evaluated.bands;
    return evaluated.assessment;
  }

  /** The assessment as of the newest reading, without moving the schedule. */
  assess(): HealthAssessment | undefined {
    return this.evaluate()?.assessment;
  }

  private evaluate(): { assessment: HealthAssessment; bands: Map<string, HealthBand> } | undefined {
    const now = this.newestAt;
    if (now === undefined || !this.judged) return undefined;
    const anomalies = this.anomalies.standingAt(now, this.replacedAt);
    const states = this.specs
      .map((spec) => this.tracks.get(spec.id)?.state(spec, anomalies.limitBands.get(spec.property)))
      .filter((s): s is IndicatorState => s !== undefined);
    if (states.length === 0) return undefined;
    return assessHealth({
      twinId: this.twinId,
      now,
      states,
      anomalies,
      maintenance: this.maintenance,
      horizonHours: this.settings.horizonHours,
      // The type's own band (its model file) before the service's fleet-wide one.
      levels: calibratedLevels(this.maintenance?.bandScores ?? this.settings.band),
    });
  }

  private trackOf(spec: IndicatorSpec): DegradationTrack {
    let track = this.tracks.get(spec.id);
    if (!track) {
      const onset = this.maintenance?.trendOnset;
      track = new DegradationTrack(
        spec,
        onset === undefined
          ? this.settings.degradation
          : { ...this.settings.degradation, onsetPosition: onset },
      );
      this.tracks.set(spec.id, track);
    }
    return track;
  }

  private applyPendingUpTo(at: number): void {
    while (this.pending.length > 0 && this.pending[0]!.at <= at) this.apply(this.pending.shift()!);
  }

  private apply(done: MaintenanceDone): void {
    const named = new Set(done.resets);
    for (const spec of this.specs) {
      const track = this.tracks.get(spec.id);
      if (!track) continue;
      if (named.has(spec.property) || (named.size === 0 && REPLACING.has(done.kind))) {
        track.reset(done.at);
        this.replacedAt.set(
          spec.property,
          Math.max(done.at, this.replacedAt.get(spec.property) ?? done.at),
        );
      } else if (named.size === 0 && SERVICING.has(done.kind)) {
        track.restartTrend(done.at);
      } else {
        continue;
      }
      this.lastBands.delete(spec.id);
      this.significant = true;
    }
  }

  private slotOf(at: number): number {
    return Math.floor(at / (this.settings.checkpointSeconds * 1000));
  }
}

const RANKS: HealthBand[] = ['normal', 'warning', 'alarm', 'failure'];
const rank = (b: HealthBand) => RANKS.indexOf(b);
