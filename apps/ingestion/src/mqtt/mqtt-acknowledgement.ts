import type { ReadMessage } from './mqtt-batch';

const PUBACK_SUCCESS = 0;
/** MQTT 5 "implementation specific error": a message that broke ingestion itself (dead-lettered). */
const PUBACK_FAILED = 131;
/** MQTT 5 "payload format invalid": the message was dead-lettered; resending will not help. */
const PUBACK_PAYLOAD_INVALID = 153;

/** What the MQTT input counts for its status (GET /v1/ingestion/mqtt). */
export interface MqttInputCounts {
  received: number;
  /** Recorded (appended or dead-lettered) and, for QoS 1, acknowledged or due again. */
  settled: number;
  acknowledged: number;
  deadLettered: number;
  batches: number;
  readingsAccepted: number;
  readingsDuplicate: number;
  readingsRejected: number;
}

export function emptyCounts(): MqttInputCounts {
  return {
    received: 0,
    settled: 0,
    acknowledged: 0,
    deadLettered: 0,
    batches: 0,
    readingsAccepted: 0,
    readingsDuplicate: 0,
    readingsRejected: 0,
  };
}

/**
 * Sends a recorded batch's PUBACKs in the order its messages came (MQTT 5 §4.6): 0 for a
 * message whose readings were taken, 153 for one refused unread, 131 for one that broke
 * ingestion itself. QoS 0 messages are counted and never acknowledged.
 */
export function acknowledgeInOrder(batch: ReadMessage[], counts: MqttInputCounts): void {
  for (const item of batch) {
    counts.settled++;
    const refused = 'refused' in item;
    if (refused) counts.deadLettered++;
    if (item.message.qos === 0) continue;
    const sent = item.message.ack(
      !refused
        ? PUBACK_SUCCESS
        : item.refused.code === 'INGESTION_FAILED'
          ? PUBACK_FAILED
          : PUBACK_PAYLOAD_INVALID,
    );
    // Not sent when the connection it came by is gone: the broker redelivers it.
    if (sent) counts.acknowledged++;
  }
}
