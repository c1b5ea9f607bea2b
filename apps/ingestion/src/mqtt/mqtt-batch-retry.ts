import type { Logger } from '@nestjs/common';
import { LogUnavailableError } from '@twinlog/service-kit';
import { NotReadyError, type ReadingIntake } from '../intake/reading-intake.service';
import type { MqttInputCounts } from './mqtt-acknowledgement';
import { prepareBatch, type Batch } from './mqtt-batch-append';
import type { ReadMessage } from './mqtt-batch';

const RETRY_MS = 1_000;
const WARN_EVERY_MS = 10_000;

/**
 * Records a batch, whatever it takes: while the log is unavailable (or ingestion not ready) the
 * batch is retried every second and nothing is acknowledged, so the broker keeps its messages.
 * Any other failure is a message that broke ingestion itself: the batch is retried one message
 * at a time and the culprit dead-lettered whole as INGESTION_FAILED, so it cannot stall the input.
 */
export class MqttBatchRetry {
  private lastWarning = 0;

  constructor(
    private readonly intake: ReadingIntake,
    private readonly counts: MqttInputCounts,
    private readonly logger: Logger,
    private readonly stopping: () => boolean,
  ) {}

  /** Judges the batch now, ahead of its turn; on failure `settle` judges it again and deals with it. */
  prepareAhead(batch: Batch): void {
    try {
      batch.prepared = prepareBatch(this.intake, batch.items, this.counts);
    } catch {
      // Not ready yet, or a defect: settle prepares it again and deals with the error.
    }
  }

  /** Appends the batch's readings and dead-letters its refused messages; false if stopping first. */
  async settle(batch: Batch): Promise<boolean> {
    for (;;) {
      if (this.stopping()) {
        batch.prepared?.release();
        batch.prepared = undefined;
        return false;
      }
      try {
        batch.prepared ??= prepareBatch(this.intake, batch.items, this.counts);
        await batch.prepared.commit();
        return true;
      } catch (error) {
        // A failed commit gave its claims back; a failed prepare claimed nothing.
        batch.prepared = undefined;
        if (error instanceof LogUnavailableError || error instanceof NotReadyError) {
          this.warnThrottled(
            `MQTT: ${batch.items.length} message(s) not acknowledged yet: ${error.message}; retrying every ${RETRY_MS} ms (the broker keeps them)`,
          );
          await new Promise((r) => setTimeout(r, RETRY_MS));
          continue;
        }
        // Not the log: something in these messages broke ingestion itself. Find which, one by one.
        this.logger.error(`MQTT: a batch failed: ${(error as Error).stack ?? String(error)}`);
        return this.settleOneByOne(batch.items);
      }
    }
  }

  private async settleOneByOne(items: ReadMessage[]): Promise<boolean> {
    for (const item of items) {
      if (this.stopping()) return false;
      try {
        await prepareBatch(this.intake, [item], this.counts).commit();
      } catch (error) {
        if (error instanceof LogUnavailableError || error instanceof NotReadyError) {
          return this.settle({ items });
        }
        const failed: ReadMessage = {
          message: item.message,
          origin: item.origin,
          refused: {
            code: 'INGESTION_FAILED',
            message: `Ingestion could not take this message: ${(error as Error).message}`,
          },
        };
        if (!(await this.settle({ items: [failed] }))) return false;
        items[items.indexOf(item)] = failed;
      }
    }
    return true;
  }

  private warnThrottled(text: string): void {
    if (Date.now() - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = Date.now();
    this.logger.warn(text);
  }
}
