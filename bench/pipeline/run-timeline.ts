import type { ChartPoint, ChartSeries, ChartSpec } from './chart-svg';
import type { Probe } from './latency-probe';

/** One look at the pipeline during the run: the counters the bench reads anyway. */
export interface TimelineSample {
  /** Epoch ms. */
  at: number;
  /** Readings acknowledged to the senders so far. */
  acked: number;
  /** Readings each stage has done so far (e.g. "twin-state (folded)"); NaN when it did not answer. */
  done: Record<string, number>;
  /** Lags a stage reports itself, in its own unit (e.g. the InfluxDB writer's group lag in events). */
  lags?: Record<string, number>;
}

/** Samples at most one per `everyMs`, so a caller may offer them as often as it reads. */
export class RunTimeline {
  readonly samples: TimelineSample[] = [];
  constructor(private readonly everyMs = 1_000) {}

  offer(sample: TimelineSample): void {
    const last = this.samples[this.samples.length - 1];
    if (!last || sample.at - last.at >= this.everyMs) this.samples.push(sample);
  }
}

const seconds = (at: number, startedAt: number) => (at - startedAt) / 1000;

/** Per-second rates between consecutive samples, placed at the later one. */
export function rateSeries(
  samples: TimelineSample[],
  startedAt: number,
  name: string,
  read: (s: TimelineSample) => number,
): ChartSeries {
  const points: ChartPoint[] = [];
  for (let i = 1; i < samples.length; i++) {
    const [a, b] = [samples[i - 1]!, samples[i]!];
    const dt = (b.at - a.at) / 1000;
    points.push({ t: seconds(b.at, startedAt), v: dt > 0 ? (read(b) - read(a)) / dt : NaN });
  }
  return { name, points };
}

/** How the run looked: rates, lags and probe latencies on one time axis. */
export function timelineChart(o: {
  title: string;
  startedAt: number;
  loadEndedAt: number;
  samples: TimelineSample[];
  probes: Probe[];
}): ChartSpec {
  const { samples, startedAt } = o;
  const stages = [...new Set(samples.flatMap((s) => Object.keys(s.done)))];
  const ownLags = [...new Set(samples.flatMap((s) => Object.keys(s.lags ?? {})))];
  const at = (s: TimelineSample) => seconds(s.at, startedAt);
  const latency = (name: string, field: 'stateAt' | 'influxAt' | 'anomalyAt'): ChartSeries => ({
    name,
    points: o.probes
      .filter((p) => Number.isFinite(p.acceptedAt) && p[field] !== undefined)
      .map((p) => ({
        t: seconds(p.acceptedAt, startedAt),
        v: Math.max(0, p[field]! - p.acceptedAt),
      })),
  });
  return {
    title: o.title,
    window: { from: 0, to: seconds(o.loadEndedAt, startedAt), label: 'load' },
    panels: [
      {
        title: 'rate',
        unit: 'readings/s',
        series: [
          rateSeries(samples, startedAt, 'acknowledged', (s) => s.acked),
          ...stages.map((stage) =>
            rateSeries(samples, startedAt, stage, (s) => s.done[stage] ?? NaN),
          ),
        ],
      },
      {
        title: 'lag: readings acknowledged but not yet done',
        unit: 'readings behind',
        series: [
          ...stages.map((stage) => ({
            name: stage,
            points: samples.map((s) => ({
              t: at(s),
              v: Math.max(0, s.acked - (s.done[stage] ?? NaN)),
            })),
          })),
          ...ownLags.map((name) => ({
            name,
            points: samples.map((s) => ({ t: at(s), v: s.lags?.[name] ?? NaN })),
          })),
        ],
      },
      {
        title: 'latency probes: from acceptance to',
        unit: 'ms',
        series: [
          latency('state visible', 'stateAt'),
          latency('telemetry point queryable', 'influxAt'),
          latency('AnomalyDetected', 'anomalyAt'),
        ],
      },
    ],
  };
}
