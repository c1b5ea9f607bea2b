/**
 * Runs a Kafka admin call again while it fails with an error the broker calls retriable.
 *
 * kafkajs' admin bails out of `fetchTopicOffsets` and `fetchTopicOffsetsByTimestamp` on
 * NOT_LEADER_OR_FOLLOWER and similar errors that a leader election (a new topic, a broker
 * restart) answers for a moment. Its producer and consumers retry those; the admin calls that
 * replays and range reads start with must too, or a replay fails on a busy or restarting broker.
 */
export async function retryRetriable<T>(
  call: () => Promise<T>,
  options: { attempts?: number; firstDelayMs?: number; maxDelayMs?: number } = {},
): Promise<T> {
  const attempts = options.attempts ?? 10;
  let delay = options.firstDelayMs ?? 100;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || !isRetriable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, options.maxDelayMs ?? 2_000);
    }
  }
}

/** kafkajs marks protocol errors that are worth another try with `retriable: true`. */
export function isRetriable(error: unknown): boolean {
  return (error as { retriable?: unknown } | null)?.retriable === true;
}
