/** What each stage has done since the run began: readings, and the writer's lag in events. */
export interface StageProgress {
  folded: number;
  judged: number;
  seen: number;
  /** NaN when Kafka did not answer. */
  writerLag: number;
}

export function drained(acknowledged: number, s: StageProgress): boolean {
  return (
    s.folded >= acknowledged &&
    s.judged >= acknowledged &&
    s.seen >= acknowledged &&
    s.writerLag === 0
  );
}

/** How far each stage is behind, for the progress lines. */
export function behind(acknowledged: number, s: StageProgress): string {
  // A stage can fold a batch before its HTTP answer reaches the sender: none behind then.
  const n = (done: number) => Math.max(0, acknowledged - done).toLocaleString('en-US');
  const lag = Number.isNaN(s.writerLag) ? '?' : s.writerLag.toLocaleString('en-US');
  return `twin-state ${n(s.folded)}, anomaly ${n(s.judged)}, maintenance ${n(s.seen)} readings behind; InfluxDB writer ${lag} events behind`;
}

/** The embedded mode's stages: no maintenance count, no writer lag, the store counted directly. */
export interface EmbeddedProgress {
  folded: number;
  judged: number;
  /** Counted only once the others are done (a query per twin): NaN until then. */
  points: number;
}

export function embeddedDrained(acknowledged: number, s: EmbeddedProgress): boolean {
  return s.folded >= acknowledged && s.judged >= acknowledged && s.points >= acknowledged;
}

export function embeddedBehind(acknowledged: number, s: EmbeddedProgress): string {
  const n = (done: number) =>
    Number.isNaN(done) ? '?' : Math.max(0, acknowledged - done).toLocaleString('en-US');
  const store = Number.isNaN(s.points) ? '' : `; telemetry store ${n(s.points)} points behind`;
  return `twin-state ${n(s.folded)}, anomaly ${n(s.judged)} readings behind${store}`;
}

/**
 * Samples the stages until every one holds what was acknowledged, or `seconds` pass; says how
 * far behind they are every `progressMs`. Resolves with when they had drained, 0 if they did not.
 */
export async function waitForDrain<P>(
  acknowledged: number,
  sample: () => Promise<P>,
  o: {
    seconds: number;
    progressMs: number;
    pollMs: number;
    say: (line: string) => void;
    /** The mode's own stages (`drained` and `behind` here; the embedded mode has fewer). */
    isDrained: (acknowledged: number, s: P) => boolean;
    describe: (acknowledged: number, s: P) => string;
  },
): Promise<number> {
  const { isDrained, describe } = o;
  const started = Date.now();
  let lastProgress = started;
  while (Date.now() - started < o.seconds * 1000) {
    const s = await sample();
    if (isDrained(acknowledged, s)) return Date.now();
    if (Date.now() - lastProgress >= o.progressMs) {
      o.say(`[drain +${Math.round((Date.now() - started) / 1000)}s] ${describe(acknowledged, s)}`);
      lastProgress = Date.now();
    }
    await new Promise((r) => setTimeout(r, o.pollMs));
  }
  return 0;
}
