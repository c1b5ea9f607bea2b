/** Root mean squared error of predicted against true RUL. */
export function rmse(predicted: number[], truth: number[]): number {
  const sum = predicted.reduce((s, p, i) => s + (p - truth[i]!) ** 2, 0);
  return Math.sqrt(sum / Math.max(predicted.length, 1));
}

/**
 * The PHM08 challenge score: asymmetric, a late prediction (d = predicted - true > 0, the
 * engine fails before maintenance) costs more than an early one. Summed over units; lower is better.
 */
export function phm08Score(predicted: number[], truth: number[]): number {
  return predicted.reduce((s, p, i) => {
    const d = p - truth[i]!;
    return s + (d < 0 ? Math.exp(-d / 13) - 1 : Math.exp(d / 10) - 1);
  }, 0);
}
