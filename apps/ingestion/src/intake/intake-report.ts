/** The answer for one reading, in the order the readings came. */
export type ReadingResult =
  | { index: number; status: 'accepted' | 'duplicate'; twinId: string; readingId: string }
  | {
      index: number;
      status: 'rejected';
      error: { code: string; message: string; details: Record<string, unknown> };
    };

export interface IntakeReport {
  accepted: number;
  duplicates: number;
  rejected: number;
  results: ReadingResult[];
}

/** Where readings came from: kept with dead letters so a rejected reading can be traced. */
export interface ReadingOrigin {
  /** `replay`: a dead letter sent through the checks again (see DeadLetters). */
  channel: 'http' | 'mqtt' | 'kafka' | 'replay';
  /** e.g. `POST /v1/readings`, an MQTT topic, `topic/partition@offset`. */
  detail: string;
  correlationId: string;
  /** Who sent them (the authenticated caller of an HTTP request); kept in the events' producer. */
  actor?: string;
}
