/**
 * Polls `probe` until `done` says yes, and returns the value that satisfied it. A timeout fails
 * with what was awaited and the last value seen, so a failing test says where it stood.
 */
export async function until<T>(
  probe: () => Promise<T> | T,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 600)}`,
      );
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}
