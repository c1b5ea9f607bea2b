import { symmetricEigen } from '../stats/symmetric-eigen';

export interface PcaMonitorSettings {
  /** Share of the (standardised) variance the principal subspace keeps. */
  explainedVariance: number;
  /** Quantile of the training statistics that marks the control limit. */
  limitQuantile: number;
}

export const DEFAULT_PCA_SETTINGS: PcaMonitorSettings = {
  explainedVariance: 0.9,
  limitQuantile: 0.99,
};

export interface PcaScore {
  /** Hotelling's T² in the principal subspace, over its control limit. */
  t2Ratio: number;
  /** Squared prediction error (Q) off the subspace, over its control limit. */
  qRatio: number;
  /** Each property's share of the squared standardised residual: the evidence. */
  contributions: number[];
}

/**
 * Multivariate statistical process monitoring: PCA fitted on a window of normal operation,
 * then each new vector judged by T² (unusual inside the normal correlation structure) and Q
 * (breaks the structure). Catches combinations no single property shows. Fitting needs a
 * batch of history; scoring is one pass, constant memory.
 */
export class PcaMonitor {
  private constructor(
    private readonly mean: number[],
    private readonly scale: number[],
    private readonly components: number[][],
    private readonly variances: number[],
    private readonly t2Limit: number,
    private readonly qLimit: number,
  ) {}

  static fit(rows: number[][], settings: PcaMonitorSettings = DEFAULT_PCA_SETTINGS): PcaMonitor {
    const n = rows.length;
    const d = rows[0]?.length ?? 0;
    if (n < d + 2) throw new Error(`PCA needs more rows (${n}) than properties (${d}) + 1`);
    const mean = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / n);
    const scale = Array.from({ length: d }, (_, j) => {
      const sd = Math.sqrt(rows.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / (n - 1));
      return sd > 1e-12 ? sd : 1; // a constant property: keep it, unscaled
    });
    const z = rows.map((r) => r.map((x, j) => (x - mean[j]!) / scale[j]!));
    const cov = Array.from({ length: d }, (_, i) =>
      Array.from({ length: d }, (_, j) => z.reduce((s, r) => s + r[i]! * r[j]!, 0) / (n - 1)),
    );
    const { values, vectors } = symmetricEigen(cov);
    const total = values.reduce((s, v) => s + Math.max(v, 0), 0) || 1;
    let kept = 0;
    let explained = 0;
    while (kept < d - 1 && explained / total < settings.explainedVariance)
      explained += Math.max(values[kept++]!, 0);
    kept = Math.max(kept, 1);
    const components = vectors.slice(0, kept);
    const variances = values.slice(0, kept).map((v) => Math.max(v, 1e-9));
    const probe = new PcaMonitor(mean, scale, components, variances, 1, 1);
    const stats = z.map((r) => probe.statistics(r));
    const quantile = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return Math.max(
        sorted[Math.min(sorted.length - 1, Math.floor(settings.limitQuantile * sorted.length))]!,
        1e-9,
      );
    };
    return new PcaMonitor(
      mean,
      scale,
      components,
      variances,
      quantile(stats.map((s) => s.t2)),
      quantile(stats.map((s) => s.q)),
    );
  }

  /**
   * Follows slow drift of normal operation (a warming pump, a sensor's offset): moves the
   * centre a step `rate` towards a row judged normal. Rows inside an episode must not be fed,
   * or the monitor would learn the fault.
   */
  adapt(row: number[], rate: number): void {
    for (let j = 0; j < this.mean.length; j++) this.mean[j]! += rate * (row[j]! - this.mean[j]!);
  }

  score(row: number[]): PcaScore {
    const z = row.map((x, j) => (x - this.mean[j]!) / this.scale[j]!);
    const { t2, q, residual } = this.statistics(z);
    const qTotal = residual.reduce((s, e) => s + e * e, 0) || 1;
    return {
      t2Ratio: t2 / this.t2Limit,
      qRatio: q / this.qLimit,
      contributions: residual.map((e) => (e * e) / qTotal),
    };
  }

  private statistics(z: number[]): { t2: number; q: number; residual: number[] } {
    const scores = this.components.map((c) => c.reduce((s, w, j) => s + w * z[j]!, 0));
    const t2 = scores.reduce((s, t, k) => s + (t * t) / this.variances[k]!, 0);
    const residual = z.map(
      (x, j) => x - this.components.reduce((s, c, k) => s + c[j]! * scores[k]!, 0),
    );
    return { t2, q: residual.reduce((s, e) => s + e * e, 0), residual };
  }
}
