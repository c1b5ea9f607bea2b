import type { Finding, Observation, PropertyDetector } from '../detectors/detector';
import { ContextSurprise, dayPartOf, type ContextState } from './context-surprise';
import { CUSUM_MIN_DECAY, DriftCusum, type DriftCusumState } from './drift-cusum';
import type { LevelSeasonState } from './level-season';
import { SeasonalModels } from './seasonal-models';
import { DEFAULT_SINGLE_STREAM, type SingleStreamSettings } from './single-stream-settings';
import { TailEstimate, type TailState } from './tail-estimate';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Intervals between readings looked at before the sampling interval is settled (median). */
const INTERVALS = 15;
/**
 * Raw scorers: value residual, its mean over the last rows, fast-slow level gap, change
 * residual, context surprise, volatility, repeat run (its tail decays at least one row at a
 * time), the residuals' CUSUM (last, so that older checkpoints' tails keep their places).
 */
const SCORER_NAMES = [
  'value off its expected level',
  'a persistent shift',
  'a drift',
  'an unusual change',
  'an unusual level for its context',
  'unusual variability',
  'a repeated value (stuck sensor)',
  'a slow drift',
];
const SCORERS = SCORER_NAMES.length;
const DRIFT = SCORER_NAMES.indexOf('a drift');
const RUN = SCORER_NAMES.indexOf('a repeated value (stuck sensor)');
const SLOW_DRIFT = SCORER_NAMES.indexOf('a slow drift');
/**
 * Raw scores the CUSUM's history holds before it is judged: its sums are correlated over tens
 * of rows, so the 130 the other scorers start with hold only a few excursions (on SKAB's
 * healthy pump its first judged rows alarmed); 400 put about 20 past the 95th percentile.
 */
const SLOW_DRIFT_HISTORY = 400;
/** Volatility: the recent and the usual mean squared residual (weights per row). */
const RECENT_WEIGHT = 1 / 6;
const USUAL_WEIGHT = 1 / 300;
/** Rows that settle the raw scorers' models before their scores are collected. */
const SETTLE_ROWS = 20;
/** A score below this after an alarm ends the detector's own episode (the backtest column). */
export const SINGLE_STREAM_CLOSE = 0.35;

/** The detector's state as plain data (checkpoints). */
export interface SingleStreamState {
  rows: number;
  intervals: number[];
  /** The settled sampling interval in ms (0 until settled or when time is unknown). */
  interval: number;
  lastAt: number;
  last: number;
  run: number;
  recent: number;
  usual: number;
  low: number;
  high: number;
  /** The smallest change seen between two rows: the sensor's resolution (Infinity before any). */
  resolution: number;
  /** Rows since the last alarm (Infinity-safe: a large number before any). */
  sinceAlarm: number;
  envelope: number;
  value: LevelSeasonState[];
  change: LevelSeasonState[];
  context: ContextState;
  /** Absent in checkpoints from before the CUSUM (it then starts afresh). */
  cusum?: DriftCusumState;
  tails: TailState[];
}

/** One row's verdict, with the parts a report or a test looks at. */
export interface StreamVerdict extends Finding {
  /** The combined tail probability (after the correction for SCORERS scorers). */
  probability: number;
  /** Whether this row raised an alarm (an onset). */
  alarm: boolean;
  /** The raw scorer with the smallest tail probability (what is unusual). */
  scorer: string;
}

/**
 * An anomaly detector for one property on its own (docs/analytics/anomaly-detection.md). Eight
 * simple raw scorers, each judged against its own recent history as a tail probability (so the
 * score means the same in every stream), combined by the smallest probability (Bonferroni):
 * the score is 0.5 at `alarmProbability` and 1 at its square. The score is spike-shaped: it is
 * reported when it rises over its own recent peak and not for `suppressRows` rows after an
 * alarm. Online: a row is judged from the rows before it only.
 */
export class SingleStreamDetector implements PropertyDetector {
  readonly name = 'single-stream';
  private readonly value: SeasonalModels;
  private readonly change: SeasonalModels;
  private readonly context: ContextSurprise;
  private readonly cusum = new DriftCusum();
  private readonly tails: TailEstimate[];
  private s: Omit<SingleStreamState, 'value' | 'change' | 'context' | 'cusum' | 'tails'>;

  constructor(private readonly settings: SingleStreamSettings = DEFAULT_SINGLE_STREAM) {
    this.value = new SeasonalModels(settings.levelWeight);
    this.change = new SeasonalModels(settings.levelWeight);
    this.context = new ContextSurprise(settings.levels);
    this.tails = Array.from(
      { length: SCORERS },
      (_, i) =>
        new TailEstimate(
          settings.historyRows,
          i === RUN ? 1 : i === SLOW_DRIFT ? CUSUM_MIN_DECAY : 0,
        ),
    );
    this.s = {
      rows: 0,
      intervals: [],
      interval: 0,
      lastAt: Number.NaN,
      last: Number.NaN,
      run: 0,
      recent: 0,
      usual: 0,
      low: 0,
      high: 0,
      resolution: Number.MAX_VALUE,
      sinceAlarm: settings.suppressRows,
      envelope: 0,
    };
  }

  observe({ value: x, at }: Observation): StreamVerdict {
    const s = this.s;
    this.settleInterval(at);
    const timed = s.interval > 0 && s.interval <= HOUR_MS && Number.isFinite(at);
    const phase = timed ? (((at % DAY_MS) + DAY_MS) % DAY_MS) / DAY_MS : 0;
    const time = timed ? { at, interval: s.interval } : undefined;
    if (s.rows === 0) [s.low, s.high] = [x, x];
    [s.low, s.high] = [Math.min(s.low, x), Math.max(s.high, x)];
    const step = Math.abs(x - s.last);
    if (step > 0 && step < s.resolution) s.resolution = step;
    // A scale never below half the sensor's resolution (one step of a quantised sensor is not
    // an event) nor a millionth of the range seen (a flat stream stays judgeable).
    const floor = Math.max(
      1e-6 * (s.high - s.low),
      s.resolution < Number.MAX_VALUE ? s.resolution / 2 : 0,
    );
    const v = this.value.observe(x, time, floor);
    const dx = s.rows === 0 ? 0 : x - s.last;
    const c = this.change.observe(dx, time, floor);
    const surprise = this.context.observe(x, timed ? dayPartOf(phase) : undefined);
    const r2 = c.residual * c.residual;
    const recent = s.rows === 0 ? r2 : s.recent + RECENT_WEIGHT * (r2 - s.recent);
    const tiny = floor * floor + Number.MIN_VALUE;
    const volatility = s.rows < 2 ? 0 : Math.abs(Math.log((recent + tiny) / (s.usual + tiny)));
    s.run = s.rows > 0 && x === s.last ? s.run + 1 : 0;
    const cusum = this.cusum.observe(Math.sign(v.residual) * v.raw);
    const raws = [v.raw, v.persistent, v.drift, c.raw, surprise, volatility, s.run, cusum];
    const probabilities = raws.map((raw, i) =>
      this.judges(i, v.periodic) ? this.tails[i]!.probability(raw) : 1,
    );
    const smallest = probabilities.indexOf(Math.min(...probabilities));
    const probability = Math.min(1, SCORERS * probabilities[smallest]!);
    this.learn(raws, r2, recent, x, at);
    return this.verdict(probability, v.expected, SCORER_NAMES[smallest]!);
  }

  /** Whether scorer `i` is judged on this row (the fast-slow gap not while a cycle is chosen). */
  private judges(i: number, periodic: boolean): boolean {
    if (i === DRIFT) return !periodic;
    if (i === SLOW_DRIFT) return this.tails[i]!.count >= SLOW_DRIFT_HISTORY;
    return true;
  }

  snapshot(): SingleStreamState {
    return {
      ...structuredClone(this.s),
      value: this.value.snapshot(),
      change: this.change.snapshot(),
      context: this.context.snapshot(),
      cusum: this.cusum.snapshot(),
      tails: this.tails.map((t) => t.snapshot()),
    };
  }

  restore(state: unknown): void {
    const { value, change, context, cusum, tails, ...own } = structuredClone(
      state as SingleStreamState,
    );
    // JSON turns NaN (no row or no time yet) into null.
    this.s = { ...own, last: own.last ?? Number.NaN, lastAt: own.lastAt ?? Number.NaN };
    this.value.restore(value);
    this.change.restore(change);
    this.context.restore(context);
    this.cusum.restore(cusum ?? { up: 0, down: 0 });
    // A checkpoint from before the CUSUM has one tail fewer: that one starts empty.
    this.tails.forEach((t, i) => t.restore(tails[i] ?? { history: [], sinceFit: 0, fitted: [] }));
  }

  private verdict(probability: number, expected: number, scorer: string): StreamVerdict {
    const { alarmProbability, suppressRows, learnRows } = this.settings;
    const s = this.s;
    const judged = s.rows > learnRows;
    // The envelope follows the score from the start, so an event that began while learning
    // does not look new on the first judged row.
    const full = scoreOf(probability, alarmProbability);
    s.sinceAlarm += 1;
    // Spike-shaped: reported only as it rises over its own recent peak, and not while an alarm
    // just raised is being followed up.
    const rising = full > s.envelope;
    s.envelope = Math.max(full, s.envelope * ENVELOPE_DECAY);
    const score = judged && s.sinceAlarm > suppressRows && rising ? full : 0;
    const alarm = score >= 0.5;
    if (alarm) s.sinceAlarm = 0;
    return {
      score,
      probability,
      alarm,
      scorer,
      expected,
      reason: judged
        ? `${scorer}: tail probability ${probability.toExponential(1)} against the stream's own history`
        : `learning the stream (${s.rows}/${learnRows})`,
    };
  }

  private learn(raws: number[], r2: number, recent: number, x: number, at: number): void {
    const s = this.s;
    const cap = this.settings.alarmProbability / SCORERS;
    // Winsorised: an extreme raw score enters the history at the alarm level, so one incident
    // does not blunt the detector for the length of the history.
    // The first rows only settle the models (their residuals mean little yet).
    if (s.rows >= SETTLE_ROWS)
      raws.forEach((raw, i) => {
        const tail = this.tails[i]!;
        tail.add(Math.min(raw, tail.quantile(cap)));
      });
    const w = Math.max(USUAL_WEIGHT, 1 / (s.rows + 1));
    s.recent = recent;
    s.usual += w * (Math.min(r2, 100 * s.usual || r2) - s.usual);
    s.last = x;
    s.lastAt = at;
    s.rows += 1;
  }

  private settleInterval(at: number): void {
    const s = this.s;
    if (s.interval > 0 || !Number.isFinite(at) || !Number.isFinite(s.lastAt)) return;
    if (at > s.lastAt) s.intervals.push(at - s.lastAt);
    if (s.intervals.length >= INTERVALS) {
      const sorted = [...s.intervals].sort((a, b) => a - b);
      s.interval = sorted[Math.floor(sorted.length / 2)]!;
      s.intervals = [];
    }
  }
}

/** The envelope halves in about 14 rows: a score must rise over its recent peak to be reported. */
const ENVELOPE_DECAY = 0.95;

/** 0.5 at the alarm probability, 1 at its square; 0 at probability 1. */
export function scoreOf(probability: number, alarmProbability: number): number {
  if (!(probability < 1)) return 0;
  if (probability <= 0) return 1;
  return Math.min(1, (0.5 * Math.log(probability)) / Math.log(alarmProbability));
}
