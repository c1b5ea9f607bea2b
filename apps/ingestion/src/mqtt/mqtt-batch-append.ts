import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { IncomingReading } from '@twinlog/domain';
import type { ReadingIntake } from '../intake/reading-intake.service';
import type { MqttInputCounts } from './mqtt-acknowledgement';
import type { ReadMessage } from './mqtt-batch';

/** Messages appended together, and their readings judged ahead of the append. */
export interface Batch {
  items: ReadMessage[];
  prepared?: PreparedBatch;
}

export interface PreparedBatch {
  /** Appends the readings and dead-letters the refused messages (each once, across retries). */
  commit(): Promise<void>;
  /** Gives back the reading ids claimed by a batch that will not be committed now. */
  release(): void;
}

/**
 * Judges a batch's readings now (ReadingIntake.prepare: screening, claiming their reading ids,
 * building their events), so that its CPU share can overlap the append before it; `commit`
 * appends them through the intake's group commit and counts what became of them.
 */
export function prepareBatch(
  intake: ReadingIntake,
  items: ReadMessage[],
  counts: MqttInputCounts,
): PreparedBatch {
  const readings: IncomingReading[] = [];
  // Each reading's message, for its dead letter's origin.
  const originOfReading: string[] = [];
  for (const m of items) {
    if (!('readings' in m)) continue;
    for (const reading of m.readings) {
      readings.push(reading);
      originOfReading.push(m.origin);
    }
  }
  const correlationId = randomUUID();
  const prepared =
    readings.length > 0
      ? intake.prepare(
          readings,
          { channel: 'mqtt', detail: 'MQTT', correlationId },
          { originOf: (i) => originOfReading[i]! },
        )
      : undefined;
  return {
    commit: async () => {
      const [report] = await Promise.all([
        prepared?.commit(),
        ...items.map(async (m) => {
          if (!('refused' in m) || m.lettered) return;
          // Bytes that are not UTF-8 are kept as they came, in base64, not as replacement characters.
          const { payload } = m.message;
          const text = isUtf8(payload);
          await intake.rejectUnread(
            m.refused,
            payload.toString(text ? 'utf8' : 'base64'),
            { channel: 'mqtt', detail: m.origin, correlationId },
            text ? undefined : 'base64',
          );
          m.lettered = true;
        }),
      ]);
      if (report) {
        counts.readingsAccepted += report.accepted;
        counts.readingsDuplicate += report.duplicates;
        counts.readingsRejected += report.rejected;
      }
    },
    release: () => prepared?.release(),
  };
}
