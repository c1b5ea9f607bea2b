import type { AnomalyEvidence, MaintenanceKind, Severity } from '../events/twin-events';
import type { Limits, TwinLevel } from '../model/twin-model.schema';

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

export interface ActiveAnomaly {
  episodeId: string;
  detector: string;
  properties: string[];
  score: number;
  severity: Severity;
  evidence: AnomalyEvidence[];
  since: string;
}

export interface MaintenanceRecord {
  kind: MaintenanceKind;
  performedAt: string;
  resets: string[];
  componentId: string | null;
  notes: string | null;
  eventId: string;
}

export type TwinStatus = 'unregistered' | 'active' | 'retired';

/** A twin as folded from its events. Only what the decisions and queries need; nothing derived. */
export interface TwinState {
  twinId: string;
  status: TwinStatus;
  twinType: string;
  modelVersion: number;
  level: TwinLevel;
  parentId: string | null;
  site: string | null;
  name: string | null;
  children: Array<{ twinId: string; twinType: string }>;
  limits: Record<string, Limits>;
  reported: Record<string, ReportedValue>;
  activeAnomalies: Record<string, ActiveAnomaly>;
  lastMaintenance: MaintenanceRecord | null;
  /** Per property, the latest maintenance that reset it: older readings never become current again. */
  resetAt: Record<string, string>;
  registeredAt: string | null;
  retiredAt: string | null;
  /** Revision of the last twin-events event folded in (0 before the first): what commands' expected revision is checked against. */
  revision: number;
  /** Revision of the last telemetry event folded in; telemetry never bumps `revision`, so readings cannot cause write conflicts. */
  telemetryRevision: number;
  /** The newest reading ids, oldest first, bounded: the de-duplication window. */
  recentReadingIds: string[];
}

/** How many reading ids a twin remembers for de-duplication (ingestion de-duplicates too). */
export const READING_ID_WINDOW = 256;

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
    resetAt: {},
    registeredAt: null,
    retiredAt: null,
    revision: 0,
    telemetryRevision: 0,
    recentReadingIds: [],
  };
}
