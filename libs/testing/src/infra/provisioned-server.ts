/** One server a test run uses, however it was obtained. */
export interface ProvisionedServer<S> {
  settings: S;
  /** How it was obtained: named by the environment, a testcontainer, or started locally. */
  source: 'env' | 'container' | 'local';
  /** One plain line for the test output, e.g. "Kafka 3.9.1 at 127.0.0.1:40123 (local, log: ...)". */
  description: string;
  /** Process ids of locally started servers, so `infra:down` can stop them from another process. */
  pids: number[];
  /** The signal that stops those processes cleanly (SIGTERM unless said). */
  stopSignal?: NodeJS.Signals;
  stop(): Promise<void>;
  /**
   * Stop and start again with the same data and address (locally started servers only): a
   * clean stop, or `kill` (SIGKILL, as a crash or an OOM kill would). `whileDown` runs between.
   */
  restart?: (whileDown?: () => Promise<void>, how?: 'stop' | 'kill') => Promise<void>;
}

export interface StartOptions {
  /** Directory for this run's data and logs. */
  workDir: string;
  /** Keep servers running after this process exits (infra:up). */
  detached: boolean;
  /**
   * The data in workDir is kept between runs (the local distributed mode): a server finds its
   * data, ports and credentials of the last run there instead of being set up afresh.
   */
  keepData?: boolean;
  /** Where build and download progress is written (stderr by default). */
  progress: (line: string) => void;
}
