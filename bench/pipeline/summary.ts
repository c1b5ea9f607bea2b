import { quantile } from '@twinlog/analytics';
import type { Probe } from './latency-probe';
import type { StageCount } from './loss-accounting';

/**
 * The end-of-run tables. Each system measured is a row of one table (the pipeline, the raw
 * kafkajs pipe, and later the TIG peer), each with its ratio to the raw pipe.
 */
export interface RateRow {
  system: string;
  readings: number;
  seconds: number;
  /** What the row's rate covers, e.g. "acceptance to every stage". */
  what: string;
}

export interface ProcessMemory {
  process: string;
  /** VmHWM: the most it held. */
  peakMb: number;
  /** VmRSS when the load ended. */
  steadyMb: number;
  /** CPU time (user and system) from the first send until every stage had drained. */
  cpuSeconds?: number;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** Names on the left, figures right-aligned; `textLast` leaves the last column as text. */
function table(header: string[], rows: string[][], textLast = false): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const left = (i: number) => i === 0 || (textLast && i === header.length - 1);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (left(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** The pipeline's two rows: end to end (until every stage drained) and intake (acknowledged). */
export function pipelineRows(
  label: string,
  readings: number,
  times: { startedAt: number; loadEnd: number; endAt: number },
): RateRow[] {
  return [
    {
      system: `${label} pipeline`,
      readings,
      seconds: (times.endAt - times.startedAt) / 1000,
      what: 'first send to every stage drained',
    },
    {
      system: `${label} intake`,
      readings,
      seconds: (times.loadEnd - times.startedAt) / 1000,
      what: 'acknowledged to the senders',
    },
  ];
}

export function perSecond(row: RateRow): number {
  return row.seconds > 0 ? row.readings / row.seconds : 0;
}

/** Rates, and each one's ratio to the baseline row (named by `baseline`). */
export function rateTable(rows: RateRow[], baseline: string): string {
  const base = rows.find((r) => r.system === baseline);
  const baseRate = base ? perSecond(base) : 0;
  return table(
    ['system', 'readings', 'seconds', 'readings/s', `vs ${baseline}`, 'measured'],
    rows.map((r) => [
      r.system,
      int(r.readings),
      r.seconds.toFixed(1),
      int(perSecond(r)),
      baseRate > 0
        ? perSecond(r) / baseRate >= 0.005
          ? (perSecond(r) / baseRate).toFixed(2)
          : '0.00'
        : '-',
      r.what,
    ]),
    true,
  );
}

/** Readings each stage holds, against what it read from. */
export function stageTable(
  acknowledged: number,
  topic: StageCount,
  consumers: StageCount[],
): string {
  const row = (s: StageCount, expected: number) => [
    s.stage,
    Number.isNaN(s.readings) ? '?' : int(s.readings),
    Number.isNaN(s.readings)
      ? 'not counted'
      : s.readings === expected
        ? 'ok'
        : `${s.readings < expected ? '-' : '+'}${int(Math.abs(s.readings - expected))}`,
  ];
  return table(
    ['stage', 'readings', 'difference'],
    [
      ['acknowledged to senders', int(acknowledged), ''],
      row(topic, acknowledged),
      ...consumers.map((c) => row(c, topic.readings)),
    ],
  );
}

export function memoryTable(rows: ProcessMemory[]): string {
  return table(
    ['process', 'peak RSS MB', 'RSS at end of load MB', 'CPU s'],
    rows.map((r) => [
      r.process,
      int(r.peakMb),
      int(r.steadyMb),
      r.cpuSeconds === undefined ? '-' : r.cpuSeconds.toFixed(1),
    ]),
  );
}

export interface LatencyRow {
  what: string;
  /** Milliseconds, one per probe seen. */
  samples: number[];
  /** Probes never seen within the wait. */
  unseen: number;
}

/** p50, p95, p99 and the worst of each latency, with the probes never seen. */
export function latencyTable(rows: LatencyRow[]): string {
  const ms = (xs: number[], q: number) => (xs.length ? int(quantile(xs, q)) : '-');
  return table(
    ['from acceptance to', 'probes', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'never seen'],
    rows.map((r) => [
      r.what,
      int(r.samples.length),
      ms(r.samples, 0.5),
      ms(r.samples, 0.95),
      ms(r.samples, 0.99),
      r.samples.length ? int(Math.max(...r.samples)) : '-',
      int(r.unseen),
    ]),
  );
}

/** The last line on stdout, which other tools read (issue 24). */
export function contractLine(readingsPerSecond: number, lost: number): string {
  return `pipeline: ${Math.floor(readingsPerSecond)} readings/s, lost ${lost}`;
}

/**
 * Twinlog's rate over the peer's (both end to end): below 1, the part of the peer's rate
 * Twinlog's guarantees cost (validation, the log, the checks); above 1, none.
 */
export function priceOfGuarantees(twinlog: RateRow, peer: RateRow): string {
  const peerRate = perSecond(peer);
  const ratio = peerRate > 0 ? (perSecond(twinlog) / peerRate).toFixed(2) : '-';
  return `the price of the guarantees: ${twinlog.system} ${int(perSecond(twinlog))} readings/s / ${peer.system} ${int(peerRate)} readings/s = ${ratio} (the peer validates nothing and keeps no log)`;
}

/** The peer's own nothing-lost count: what the broker acknowledged against what is queryable. */
export function peerCountLine(published: number, points: number): string {
  const difference =
    points === published
      ? 'nothing lost'
      : points < published
        ? `${int(published - points)} MISSING`
        : `${int(points - published)} more than published`;
  return `TIG peer: ${int(published)} readings acknowledged by the broker, ${int(points)} points queryable in InfluxDB: ${difference}`;
}

/** The probes' latencies from acceptance: to the state, to the telemetry store, to AnomalyDetected. */
export function latencyRows(probes: Probe[], store = 'InfluxDB'): LatencyRow[] {
  if (probes.length === 0) return [];
  const row = (what: string, field: 'stateAt' | 'influxAt'): LatencyRow => ({
    what,
    // Seen before its answer arrived (the answer was slower than the pipeline): no wait at all.
    samples: probes
      .filter((p) => p[field] !== undefined)
      .map((p) => Math.max(0, p[field]! - p.acceptedAt)),
    unseen: probes.filter((p) => p[field] === undefined).length,
  });
  const alarms = probes.filter((p) => p.alarm);
  return [
    row('state visible (GET twin)', 'stateAt'),
    row(`${store} point queryable`, 'influxAt'),
    {
      what: 'AnomalyDetected read from the log',
      samples: alarms
        .filter((p) => p.anomalyAt !== undefined)
        .map((p) => Math.max(0, p.anomalyAt! - p.acceptedAt)),
      unseen: alarms.filter((p) => p.anomalyAt === undefined).length,
    },
  ];
}
