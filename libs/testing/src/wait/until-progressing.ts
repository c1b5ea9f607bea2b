/**
 * Polls `probe` until its `progress` reaches `target`. Fails when the deadline passes or when
 * the progress has not moved for `stallMs` (a loss shows then, not only at the deadline), with
 * what was awaited and the last value seen.
 */
export async function untilProgressed<T>(
  probe: () => Promise<T>,
  progress: (value: T) => number,
  target: number,
  what: string,
  { timeoutMs = 180_000, stallMs = 60_000, pauseMs = 1_000 } = {},
): Promise<T> {
  const started = Date.now();
  let last = await probe();
  let best = progress(last);
  let movedAt = Date.now();
  while (progress(last) < target) {
    const stalled = Date.now() - movedAt > stallMs;
    if (stalled || Date.now() - started > timeoutMs)
      throw new Error(
        `${stalled ? `no progress for ${stallMs} ms` : `timed out after ${timeoutMs} ms`} waiting for ${what}: ${progress(last)} of ${target}; last: ${JSON.stringify(last)?.slice(0, 600)}`,
      );
    await new Promise((r) => setTimeout(r, pauseMs));
    last = await probe();
    if (progress(last) > best) {
      best = progress(last);
      movedAt = Date.now();
    }
  }
  return last;
}
