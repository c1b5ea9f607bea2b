import {
  anomalyWindows,
  normalisedScore,
  perfectRaw,
  probationRows,
  scaledSigmoid,
  scoreStream,
} from './window-score';

// Hand-computed cases of the public single-stream benchmark's scoring rules.
describe('the single-stream benchmark scorer', () => {
  it('sizes windows from the length and the anomaly count, centred, merged where they overlap', () => {
    expect(anomalyWindows(1000, [500])).toEqual([{ start: 450, end: 550 }]);
    // Two anomalies: each window 50 rows wide.
    expect(anomalyWindows(1000, [300, 700])).toEqual([
      { start: 275, end: 325 },
      { start: 675, end: 725 },
    ]);
    expect(anomalyWindows(1000, [500, 520])).toEqual([{ start: 475, end: 545 }]);
    expect(anomalyWindows(1000, [995])).toEqual([{ start: 945, end: 999 }]);
  });

  it('does not score the probation (15% of the stream, at most 750 rows)', () => {
    expect(probationRows(1000)).toBe(150);
    expect(probationRows(10_000)).toBe(750);
    const s = scoreStream(1000, [], [100]);
    expect([s.raw, s.fp]).toEqual([0, 0]);
  });

  it('rewards the first detection in a window by how early it is; later ones in it are free', () => {
    const w = anomalyWindows(1000, [500]);
    expect(scaledSigmoid(-1)).toBeCloseTo(0.986614, 6); // 2 / (1 + e^-5) - 1
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(3.01)).toBe(-1);
    expect(scoreStream(1000, w, [450]).raw).toBeCloseTo(0.986614, 6);
    expect(scoreStream(1000, w, [450, 451, 500, 549]).raw).toBeCloseTo(0.986614, 6);
    // The window's last row: y = -1/101, so 2 / (1 + e^(-5/101)) - 1 = 0.024746.
    expect(scoreStream(1000, w, [550]).raw).toBeCloseTo(0.024746, 5);
    // Its middle row (500): y = -51/101.
    expect(scoreStream(1000, w, [500]).raw).toBeCloseTo(2 / (1 + Math.exp((-5 * 51) / 101)) - 1, 9);
  });

  it('charges every row flagged outside a window, less right after one; a missed window costs 1', () => {
    const w = anomalyWindows(1000, [500]);
    // Before any window: the full FP weight (0.11), plus the missed window.
    expect(scoreStream(1000, w, [300]).raw).toBeCloseTo(-0.11 - 1, 9);
    // One row past the window: 0.11 x (2 / (1 + e^(5 x 1/100)) - 1) = -0.002749.
    expect(scoreStream(1000, w, [450, 551]).raw).toBeCloseTo(0.986614 - 0.002749, 5);
    // Far past it (more than three window widths): the full weight.
    expect(scoreStream(1000, w, [450, 900]).raw).toBeCloseTo(0.986614 - 0.11, 5);
    expect(scoreStream(1000, w, []).fn).toBe(1);
  });

  it('normalises the corpus to 0 for no detections and 100 for the perfect detector', () => {
    const w = anomalyWindows(1000, [300, 700]);
    const perfect = perfectRaw(w);
    expect(normalisedScore([scoreStream(1000, w, [])], perfect)).toBeCloseTo(0, 9);
    expect(normalisedScore([scoreStream(1000, w, [275, 675])], perfect)).toBeCloseTo(100, 9);
    // One window caught at its start, the other missed: half way.
    expect(normalisedScore([scoreStream(1000, w, [275])], perfect)).toBeCloseTo(50, 9);
  });
});
