/** What the MQTT input has done since the service started (GET /v1/ingestion/mqtt). */
export interface MqttInputStatus {
  enabled: boolean;
  /** Connected and subscribed. */
  connected: boolean;
  filters: string[];
  /** Messages read from the broker. */
  received: number;
  /** PUBACKs sent (QoS 1 messages recorded durably, or refused and dead-lettered). */
  acknowledged: number;
  /** Messages refused unread (malformed, too large, unmatched topic) and dead-lettered. */
  deadLettered: number;
  /** Messages read and not yet recorded: queued, or in the batch being appended. */
  inFlight: number;
  /** Appends made (each a batch of messages). */
  batches: number;
  /** What became of the readings inside the messages. */
  readings: { accepted: number; duplicates: number; rejected: number };
}
