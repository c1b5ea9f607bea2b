import type { SimReading } from '@twinlog/plant-sim';

export interface RejectedReading {
  reading: SimReading;
  code: string;
  message: string;
}

/** The target's verdicts on one batch. */
export interface BatchOutcome {
  accepted: number;
  duplicates: number;
  rejected: RejectedReading[];
}

/** Where readings go: ingestion over HTTP or an MQTT broker. */
export interface ReadingSender {
  /** For messages: "ingestion at http://127.0.0.1:8081". */
  readonly name: string;
  /**
   * One attempt to deliver a batch. Throws TransientError when trying again may succeed (the
   * target is down or not ready), BatchTooLargeError when the target wants smaller batches.
   */
  send(batch: SimReading[]): Promise<BatchOutcome>;
  close(): Promise<void>;
}

export class BatchTooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BatchTooLargeError';
  }
}
