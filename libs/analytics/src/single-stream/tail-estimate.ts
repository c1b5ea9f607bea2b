/** A tail estimate's state as plain data (checkpoints). */
export interface TailState {
  /** The newest raw scores, oldest first (at most `size`). */
  history: number[];
  sinceFit: number;
  /** The history as of the last refit, sorted (what the probabilities are read from). */
  fitted: number[];
}

/** Share of the history treated as its tail (the exceedances the exponential tail is fitted to). */
const TAIL_SHARE = 0.05;
const MIN_TAIL = 10;
/** Rows between refits of the sorted history (the estimate is a little stale, never ahead). */
const REFIT_EVERY = 25;

/**
 * P(raw >= x) for a raw score, from that scorer's own recent history: empirical within the
 * history, and past its upper tail an exponential tail fitted to the exceedances over the
 * history's 95th percentile (peaks over threshold with shape 0). So a raw score of any scale or
 * unit becomes a probability that means the same in every stream; how far out an extreme value
 * lies is judged by how the stream's own tail decays, not by a fixed distance.
 */
export class TailEstimate {
  private state: TailState = { history: [], sinceFit: 0, fitted: [] };

  constructor(
    private readonly size: number,
    /** The smallest tail decay, in the raw score's units (its resolution; 0 for none). */
    private readonly minDecay = 0,
  ) {}

  get count(): number {
    return this.state.history.length;
  }

  /** The tail probability of `x` (1 until the history has 2 x MIN_TAIL values). */
  probability(x: number): number {
    const fit = this.tailFit();
    if (!fit) return 1;
    const { n, k, u, beta } = fit;
    if (x <= u) return countAtLeast(this.state.fitted, x) / n;
    if (!(beta > 0)) return 0;
    return (k / n) * Math.exp(-(x - u) / beta);
  }

  /** The raw score whose tail probability is `p` (the inverse of `probability` past the tail). */
  quantile(p: number): number {
    const fit = this.tailFit();
    if (!fit) return Number.POSITIVE_INFINITY;
    const { n, k, u, beta } = fit;
    return p >= k / n ? u : u + beta * Math.log(k / n / p);
  }

  /**
   * The exponential tail over the top TAIL_SHARE: threshold u and decay beta, from the median
   * excess over u (beta = median excess / ln 2), so a few extreme values in the history do
   * not fatten it.
   */
  private tailFit(): { n: number; k: number; u: number; beta: number } | undefined {
    const sorted = this.state.fitted;
    const n = sorted.length;
    if (n < 2 * MIN_TAIL) return undefined;
    const k = Math.max(MIN_TAIL, Math.floor(TAIL_SHARE * n));
    const u = sorted[n - k]!;
    const excess = sorted[n - k + Math.floor(k / 2)]! - u;
    // Never a tail lighter than the body: a decay at least (u - median) / (2 ln 10), about a
    // Gaussian's, so a bounded score piled at its maximum (a cycle's extremes) does not make
    // a value a little past that maximum look impossible.
    const body = (u - sorted[Math.floor(n / 2)]!) / (2 * Math.LN10);
    return { n, k, u, beta: Math.max(excess / Math.LN2, body, this.minDecay) };
  }

  add(x: number): void {
    const { history } = this.state;
    history.push(x);
    if (history.length > this.size) history.shift();
    this.state.sinceFit += 1;
    // Refit often while the history is short (it changes fast), then every REFIT_EVERY rows.
    if (history.length < 4 * MIN_TAIL || this.state.sinceFit >= REFIT_EVERY) this.refit();
  }

  snapshot(): TailState {
    return structuredClone(this.state);
  }

  restore(state: TailState): void {
    this.state = structuredClone(state);
  }

  private refit(): void {
    this.state.fitted = [...this.state.history].sort((a, b) => a - b);
    this.state.sinceFit = 0;
  }
}

function countAtLeast(sorted: number[], x: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]! < x) low = mid + 1;
    else high = mid;
  }
  return sorted.length - low;
}
