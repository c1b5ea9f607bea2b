import type { EventOfType, MaintenancePrediction } from '../events/twin-events';

export interface ReportedValue {
  value: number;
  unit: string;
  /** Event time of the reading that set it. */
  occurredAt: string;
  readingId: string;
  /** The event that set it: the audit trail's "which event set this value". */
  eventId: string;
  revision: number;
}

/**
 * An anomaly episode still open: what AnomalyDetected said, and since when; an AnomalyEscalated
 * raises its severity (with the score and evidence that did) and says when (`raisedAt`).
 */
export type ActiveAnomaly = EventOfType<'AnomalyDetected'>['data'] & {
  since: string;
  raisedAt?: string;
};

/** The latest maintenance: what MaintenancePerformed said, and which event said it. */
export type MaintenanceRecord = EventOfType<'MaintenancePerformed'>['data'] & { eventId: string };

export type TwinStatus = 'unregistered' | 'active' | 'retired';

/** What registration fixes about a twin (TwinRegistered's payload, folded in as it is). */
type RegistrationFacts = EventOfType<'TwinRegistered'>['data'];

/** A twin as folded from its events. Only what the decisions and queries need; nothing derived. */
export interface TwinState extends RegistrationFacts {
  twinId: string;
  status: TwinStatus;
  children: Array<{ twinId: string; twinType: string }>;
  reported: Record<string, ReportedValue>;
  activeAnomalies: Record<string, ActiveAnomaly>;
  lastMaintenance: MaintenanceRecord | null;
  /** The maintenance service's latest prediction (health index, remaining life, window). */
  maintenancePrediction: (MaintenancePrediction & { predictedAt: string; eventId: string }) | null;
  /** Per property, the latest maintenance that reset it: older readings never become current again. */
  resetAt: Record<string, string>;
  registeredAt: string | null;
  retiredAt: string | null;
  /** Revision of the last twin-events event folded in (0 before the first): what commands' expected revision is checked against. */
  revision: number;
  /** Revision of the last telemetry event folded in; telemetry never bumps `revision`, so readings cannot cause write conflicts. */
  telemetryRevision: number;
}

/**
 * A state as a snapshot stored it. Snapshots written before 2026-12-07 also hold the twin's
 * newest reading ids (`recentReadingIds`), a window nothing read any more (ingestion
 * de-duplicates readings, the fold de-duplicates events by revision) that cost every process
 * folding telemetry about 18 KB a twin and a sixth of a rebuild's fold: it is dropped.
 */
export function restoreTwinState(stored: unknown): TwinState {
  const { recentReadingIds: _dropped, ...state } = stored as TwinState & {
    recentReadingIds?: unknown;
  };
  return state;
}

export function initialTwinState(twinId: string): TwinState {
  return {
    twinId,
    status: 'unregistered',
    twinType: '',
    modelVersion: 0,
    level: 'component',
    parentId: null,
    site: null,
    name: null,
    children: [],
    limits: {},
    reported: {},
    activeAnomalies: {},
    lastMaintenance: null,
    maintenancePrediction: null,
    resetAt: {},
    registeredAt: null,
    retiredAt: null,
    revision: 0,
    telemetryRevision: 0,
  };
}
