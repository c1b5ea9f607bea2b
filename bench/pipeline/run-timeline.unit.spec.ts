import { RunTimeline, rateSeries, timelineChart, type TimelineSample } from './run-timeline';

const T0 = 1_000_000;
const sample = (s: number, acked: number, folded: number, lag?: number): TimelineSample => ({
  at: T0 + s * 1000,
  acked,
  done: { 'twin-state (folded)': folded },
  ...(lag === undefined ? {} : { lags: { 'InfluxDB writer (events)': lag } }),
});

describe('the run timeline', () => {
  it('keeps at most one sample per interval, however often it is offered one', () => {
    const timeline = new RunTimeline(1_000);
    for (let ms = 0; ms <= 3_000; ms += 250) timeline.offer({ at: T0 + ms, acked: ms, done: {} });
    expect(timeline.samples.map((s) => s.at - T0)).toEqual([0, 1000, 2000, 3000]);
  });

  it('turns counters into per-second rates between samples', () => {
    const samples = [sample(0, 0, 0), sample(2, 2_000, 1_000), sample(3, 5_000, 1_000)];
    expect(rateSeries(samples, T0, 'acknowledged', (s) => s.acked).points).toEqual([
      { t: 2, v: 1_000 },
      { t: 3, v: 3_000 },
    ]);
  });

  it('charts rate, lag and probe latency, a NaN where a stage did not answer', () => {
    const samples = [sample(0, 0, 0, 0), sample(1, 1_000, 400, 7), sample(2, 1_000, NaN, NaN)];
    const chart = timelineChart({
      title: 'run',
      startedAt: T0,
      loadEndedAt: T0 + 1_500,
      samples,
      probes: [
        { readingId: 'p0', time: '', acceptedAt: T0 + 500, stateAt: T0 + 530 },
        // Shown before its answer came: no wait at all, not a negative one.
        {
          readingId: 'p1',
          time: '',
          acceptedAt: T0 + 900,
          stateAt: T0 + 800,
          influxAt: T0 + 2_900,
        },
        { readingId: 'p2', time: '', acceptedAt: NaN },
      ],
    });
    const [rate, lag, latency] = chart.panels;
    expect(chart.window).toEqual({ from: 0, to: 1.5, label: 'load' });
    expect(rate!.series.map((s) => s.name)).toEqual(['acknowledged', 'twin-state (folded)']);
    expect(rate!.series[1]!.points.map((p) => p.v)).toEqual([400, NaN]);
    expect(lag!.series.map((s) => [s.name, s.points.map((p) => p.v)])).toEqual([
      ['twin-state (folded)', [0, 600, NaN]],
      ['InfluxDB writer (events)', [0, 7, NaN]],
    ]);
    expect(latency!.series.map((s) => s.points)).toEqual([
      [
        { t: 0.5, v: 30 },
        { t: 0.9, v: 0 },
      ],
      [{ t: 0.9, v: 2_000 }],
      [],
    ]);
  });
});
