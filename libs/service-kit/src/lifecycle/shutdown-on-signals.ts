/** Something that stops cleanly: an event log, a subscription, a Nest application. */
export interface Closeable {
  close(): Promise<void>;
}

export interface ShutdownOptions {
  signals?: NodeJS.Signals[];
  /** A stop that takes longer than this is abandoned and the process exits with code 1. */
  timeoutMs?: number;
  log?: (line: string) => void;
}

/**
 * On SIGTERM (what Kubernetes sends) or SIGINT, closes the given things in order and exits 0.
 * With the Kafka log that means: the batch in hand finishes, its offset is committed, and the
 * member leaves the group, so the next owner of its partitions neither loses nor redoes work.
 * A second signal, or a stop that hangs past the timeout, exits at once with code 1.
 */
export function shutdownOnSignals(targets: Closeable[], options: ShutdownOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      log(`${signal} again: exiting without waiting for a clean stop`);
      process.exit(1);
    }
    closing = true;
    log(`${signal}: finishing the work in hand, committing, then stopping`);
    const timer = setTimeout(() => {
      log(`clean stop took more than ${options.timeoutMs ?? 30_000} ms: exiting`);
      process.exit(1);
    }, options.timeoutMs ?? 30_000);
    timer.unref();
    void (async () => {
      for (const target of targets) await target.close();
    })().then(
      () => {
        clearTimeout(timer);
        log('stopped cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        clearTimeout(timer);
        log(`stop failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  for (const s of signals) process.on(s, onSignal);
  return () => signals.forEach((s) => process.off(s, onSignal));
}
