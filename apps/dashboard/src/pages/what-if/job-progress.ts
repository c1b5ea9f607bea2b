/** The first wait before asking a long run's job for its progress, doubled after each ask… */
export const PROGRESS_FIRST_MS = 500;
/** …up to this: a 5-minute run costs about 65 requests, not 600. */
export const PROGRESS_MAX_MS = 5_000;

/** The wait before the `n`th progress request (0-based): 0.5 s, 1 s, 2 s, 4 s, then 5 s. */
export function progressDelayMs(n: number): number {
  return Math.min(PROGRESS_MAX_MS, PROGRESS_FIRST_MS * 2 ** Math.max(0, n));
}

/**
 * Follows a running job until it ends: asks for it after a wait that grows (progressDelayMs),
 * reports each progress, and stops asking as soon as `signal` aborts (the page left, the run
 * was cancelled or replaced) or the job is no longer running. Resolves with the last answer, or
 * undefined when aborted.
 */
export async function followJob<J extends { status: string }>(
  first: J,
  ask: (signal: AbortSignal) => Promise<J>,
  onProgress: (job: J) => void,
  signal: AbortSignal,
  sleep: (ms: number, signal: AbortSignal) => Promise<void> = abortableSleep,
): Promise<J | undefined> {
  let job = first;
  for (let n = 0; job.status === 'running'; n++) {
    onProgress(job);
    await sleep(progressDelayMs(n), signal).catch(() => undefined);
    if (signal.aborted) return undefined;
    job = await ask(signal);
  }
  return signal.aborted ? undefined : job;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('aborted'));
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    });
  });
}
