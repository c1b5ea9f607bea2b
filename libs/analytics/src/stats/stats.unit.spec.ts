import { gaussian, random } from '../multivariate/testing/synthetic-plant';
import {
  autocorrelationTime,
  chiSquareLowerQuantile,
  quantile,
  varianceInflation,
} from './series-stats';
import { symmetricEigen } from './symmetric-eigen';

describe('symmetric eigen-decomposition', () => {
  it('finds the eigenvalues and unit eigenvectors of a symmetric matrix', () => {
    const { values, vectors } = symmetricEigen([
      [2, 1],
      [1, 2],
    ]);
    expect(values[0]).toBeCloseTo(3);
    expect(values[1]).toBeCloseTo(1);
    expect(Math.abs(vectors[0]![0]!)).toBeCloseTo(Math.SQRT1_2);
    expect(Math.abs(vectors[0]![1]!)).toBeCloseTo(Math.SQRT1_2);
  });
});

describe('series statistics', () => {
  const noise = gaussian(random(3));
  const white = Array.from({ length: 2000 }, () => noise());
  // AR(1) with coefficient 0.9: autocorrelation time (1 + 0.9) / (1 - 0.9) = 19.
  const slow: number[] = [];
  for (let i = 0, x = 0; i < 2000; i++) slow.push((x = 0.9 * x + noise()));

  it('takes the order statistic at floor(q * n)', () => {
    expect(quantile([5, 1, 4, 2, 3], 0.5)).toBe(3);
    expect(quantile([5, 1, 4, 2, 3], 1)).toBe(5);
  });

  it('measures how many readings one independent reading is worth', () => {
    expect(autocorrelationTime(white)).toBeLessThan(1.5);
    expect(autocorrelationTime(slow)).toBeGreaterThan(13);
    expect(autocorrelationTime(slow)).toBeLessThan(26);
  });

  it('approximates the lower chi-square quantile', () => {
    expect(chiSquareLowerQuantile(10)).toBeCloseTo(3.94, 1);
    expect(chiSquareLowerQuantile(100)).toBeCloseTo(77.93, 0);
  });

  it('inflates the variance of a slow series far more than that of noise', () => {
    expect(varianceInflation(white.slice(0, 300))).toBeLessThan(1.25);
    expect(varianceInflation(slow.slice(0, 300))).toBeGreaterThan(1.8);
  });
});
