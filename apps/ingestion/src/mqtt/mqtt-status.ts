/** What the MQTT input reports about itself (GET /v1/ingestion/mqtt, `input`). */
export interface MqttInputStatus {
  /** MQTT_URL is set: the input runs. */
  enabled: boolean;
  connected: boolean;
  /** The topic filters subscribed to (with the shared-subscription prefix). */
  filters: string[];
  /** Messages received, acknowledged (PUBACK sent) and dead-lettered since the start. */
  received: number;
  acknowledged: number;
  deadLettered: number;
  /** Messages received and not yet acknowledged. */
  inFlight: number;
  /** Batches appended to the log. */
  batches: number;
}
