import { isTwinlogError } from '@twinlog/domain';
import type { RecordedEvent } from '../event-log.port';

const MAX_RETRY_WAIT_MS = 5_000;

/**
 * Whether trying again can help. Domain errors (a TwinlogError) are deterministic: the same
 * event fails the same way forever. Errors that say so (kafkajs marks its own) are not retried
 * either. Anything else (a database or network hiccup) is.
 */
export function isRetriable(error: unknown): boolean {
  if (isTwinlogError(error)) return false;
  const flag = (error as { retriable?: unknown } | null)?.retriable;
  return flag !== false;
}

export interface DeliveryContext {
  /** Sends one event its handler cannot process to the dead-letter store. */
  deadLetter(record: RecordedEvent, error: unknown): Promise<void>;
  /** False once the consumer stops or loses the partition: stop retrying, commit nothing. */
  active(): boolean;
  /** Keeps the group membership alive while waiting. */
  heartbeat?(): Promise<void>;
  label: string;
}

/**
 * Hands a batch to the handler until it succeeds. Retriable failures are retried with backoff,
 * in place, so order is kept. A non-retriable failure is narrowed down by handing the events
 * over one at a time; the one that still fails is dead-lettered and the rest go through, so one
 * bad event never stalls a partition. Handlers must be idempotent: a narrowed-down batch
 * delivers again the events before the bad one. Returns false if delivery was abandoned.
 */
export async function deliverBatch(
  batch: RecordedEvent[],
  handler: (batch: RecordedEvent[]) => Promise<void>,
  ctx: DeliveryContext,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      await handler(batch);
      return true;
    } catch (error) {
      if (!isRetriable(error)) {
        if (batch.length === 1) {
          await ctx.deadLetter(batch[0]!, error);
          return true;
        }
        for (const record of batch) if (!(await deliverBatch([record], handler, ctx))) return false;
        return true;
      }
      if (!ctx.active()) return false;
      const wait = Math.min(MAX_RETRY_WAIT_MS, 100 * 2 ** attempt);
      process.emitWarning(
        `${ctx.label}: batch failed (${(error as Error).message}); retry ${attempt} in ${wait} ms`,
      );
      await new Promise((r) => setTimeout(r, wait));
      await ctx.heartbeat?.().catch(() => undefined);
    }
  }
}

export function deadLetterReason(error: unknown): { code: string; reason: string } {
  return {
    code: isTwinlogError(error) ? error.code : 'HANDLER_FAILED',
    reason: (error as Error)?.message ?? String(error),
  };
}
