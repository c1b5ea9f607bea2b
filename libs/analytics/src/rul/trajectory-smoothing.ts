/**
 * Least-squares fit of a + b·exp(g·t/L) to a unit's health index (t = 0..L-1), g on a grid:
 * degradation in C-MAPSS grows exponentially, and the fit keeps the curve's shape without its noise.
 */
export function smoothExponential(values: number[]): number[] {
  const n = values.length;
  if (n < 3) return [...values];
  let best: number[] = values;
  let bestError = Infinity;
  for (const g of EXP_RATES) {
    const basis = values.map((_, t) => Math.exp(g * (t / (n - 1) - 1)));
    const fit = linearFit(basis, values);
    const curve = basis.map((x) => fit.a + fit.b * x);
    const error = curve.reduce((s, c, t) => s + (c - values[t]!) ** 2, 0);
    if (error < bestError) {
      bestError = error;
      best = curve;
    }
  }
  return best;
}

const EXP_RATES = [0.5, 1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20];

function linearFit(x: number[], y: number[]): { a: number; b: number } {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  const b = sxx > 1e-12 ? sxy / sxx : 0;
  return { a: my - b * mx, b };
}

/** At each t, the value at t of a least-squares line through t ± h (clipped at the ends). */
export function smoothLocalLinear(values: number[], h: number): number[] {
  return values.map((_, t) => {
    const lo = Math.max(0, t - h);
    const hi = Math.min(values.length - 1, t + h);
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = lo; i <= hi; i++) {
      xs.push(i);
      ys.push(values[i]!);
    }
    const fit = linearFit(xs, ys);
    return fit.a + fit.b * t;
  });
}
