/** A reading in the ingestion's input format (`POST /v1/readings`, MQTT). */
export interface SimReading {
  twinId: string;
  property: string;
  value: number;
  unit?: string;
  /** ISO 8601 UTC event time. */
  time: string;
  readingId: string;
}

/** A twin-state `POST /v1/twins/:id/maintenance` body, with the twin it is for. */
export interface MaintenanceRecord {
  twinId: string;
  kind: 'tool-replaced';
  performedAt: string;
  resets: string[];
  componentId?: string;
  notes: string;
}

/** Something a person watching the run may want to know (a fault starting, a tool breaking). */
export interface PlantNote {
  at: string;
  twinId: string;
  message: string;
}

/** One moment of the plant: its readings, and the maintenance and notes since the last one. */
export interface PlantSample {
  atMs: number;
  readings: SimReading[];
  maintenance: MaintenanceRecord[];
  notes: PlantNote[];
}

/** Deterministic, so a resent or re-simulated reading is recognised as the same one. */
export function readingIdOf(twinId: string, property: string, atMs: number): string {
  return `${twinId}/${property}/${atMs}`;
}
