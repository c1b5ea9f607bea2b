/** One reading of one property, as detectors see it (time in epoch ms). */
export interface Observation {
  value: number;
  at: number;
}

/** A detector's judgement of one observation. */
export interface Finding {
  /** 0 = normal, 1 = certainly anomalous; 0.5 is the detector's own threshold. */
  score: number;
  /** What was expected (a value or a range), for the evidence of an AnomalyDetected. */
  expected?: number;
  expectedLow?: number;
  expectedHigh?: number;
  reason: string;
}

/**
 * A streaming detector for one property: one pass, bounded memory. `observe` judges a reading
 * and then learns from it; state is plain data so it can be checkpointed and restored.
 */
export interface PropertyDetector {
  readonly name: string;
  observe(observation: Observation): Finding;
  /** The detector's state as plain (JSON-safe) data, for checkpoints. */
  snapshot(): unknown;
  /** Continues from a snapshot taken from a detector built with the same settings. */
  restore(state: unknown): void;
}

/** Maps "how many thresholds over" (0 = at normal, 1 = at the threshold) to a score in [0, 1). */
export function scoreFromExcess(ratio: number): number {
  if (!(ratio > 0)) return 0;
  return ratio / (1 + ratio);
}
