/** One RSS reading of the process under load. */
export interface RssSample {
  seconds: number;
  rssMb: number;
  /** Readings accepted by then. */
  readings: number;
}

/** Least-squares slope of RSS against time, in MB per second (0 for fewer than two samples). */
export function rssSlope(samples: readonly RssSample[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const meanT = samples.reduce((s, x) => s + x.seconds, 0) / n;
  const meanR = samples.reduce((s, x) => s + x.rssMb, 0) / n;
  let num = 0;
  let den = 0;
  for (const { seconds, rssMb } of samples) {
    num += (seconds - meanT) * (rssMb - meanR);
    den += (seconds - meanT) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** A plain-text table: time, RSS, readings accepted. */
export function rssTable(samples: readonly RssSample[]): string {
  const rows = samples.map(
    (s) =>
      `| ${String(s.seconds).padStart(5)} | ${s.rssMb.toFixed(0).padStart(6)} | ${s.readings.toLocaleString('en-US').padStart(11)} |`,
  );
  return ['|   t s | RSS MB |    readings |', '| ----: | -----: | ----------: |', ...rows].join(
    '\n',
  );
}
