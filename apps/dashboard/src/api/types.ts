// The API's answers as the dashboard reads them (the same shapes the OpenAPI document at
// /openapi.json describes), from libs/domain wherever the services define them there. The build
// bundles only the libs/domain modules a page imports a function from (builder/dashboard-build.ts).
import type {
  AiStatus,
  AlertView,
  ExplanationView,
  MaintenanceKind,
  MaintenancePrediction,
  ReportedValue,
  Role,
  TwinHealth,
  TwinHealthStatus,
  RecordedExplanation,
  TwinState,
  WindowStats,
} from '@twinlog/domain';

export type { AlertView, ReportedValue, Role, TwinHealthStatus };
/** `GET /v1/ai`; `GET`/`POST /v1/anomalies/{episodeId}/explanation`; an explanation from the audit trail. */
export type { AiStatus, ExplanationView, RecordedExplanation };
export type TwinLevel = 'component' | 'asset' | 'system' | 'process';

/** `GET /v1/whoami`: who the credential is, what it may do, and where. */
export interface Whoami {
  id: string;
  role: Role;
  sites: '*' | string[];
  /** ISO time the credential stops being valid; null when it does not expire. */
  expiresAt: string | null;
}

/** A row of `GET /v1/twins`. */
export interface TwinSummary {
  twinId: string;
  twinType: string;
  level: TwinLevel;
  parentId: string | null;
  site: string | null;
  name: string | null;
  status: 'active' | 'retired';
  health: TwinHealthStatus;
  activeAnomalies: number;
  revision: number;
}

export interface Page<K extends string, T> {
  next: string | null;
  items: Record<K, T[]>;
}

/** `GET /v1/twins/{id}`: the twin's state with its health. */
export type TwinDetail = TwinState & { health: TwinHealth };

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** `GET /v1/twins/{id}/telemetry`: per property, the windows that hold points. */
export interface TelemetryAnswer {
  twinId: string;
  from: string;
  to: string;
  every: string;
  everyMs: number;
  series: Array<{
    property: string;
    unit: string;
    windows: WindowStats[];
  }>;
}

/** An entry of `GET /v1/twins/{id}/events` (the audit trail). */
export interface AuditEntry {
  id: string;
  twinId: string;
  type: string;
  revision: number;
  occurredAt: string;
  recordedAt: string;
  correlationId: string;
  causationId: string | null;
  producer: string;
  position: number;
  actor: string | null;
  data: unknown;
}

/** `GET /v1/twins/{id}/history?at=`: one twin, or with `subtree=true` the subtree. */
export type HistoryAnswer =
  | { at: string; by: 'event' | 'record'; state: TwinDetail }
  | { at: string; by: 'event' | 'record'; twins: TwinDetail[]; rollUp: unknown };

/** One change of a twin's state between two times: a dotted path, before and after. */
export interface StateChangeEntry {
  path: string;
  before: unknown;
  after: unknown;
}

/** `GET /v1/twins/{id}/diff`. */
export interface DiffAnswer {
  from: string;
  to: string;
  by: 'event' | 'record';
  changes: StateChangeEntry[];
}

/** How one twin of a subtree changed (`GET /v1/twins/{id}/diff?subtree=true`). */
export interface SubtreeTwinChange {
  twinId: string;
  name: string | null;
  level: TwinLevel;
  change: 'added' | 'removed' | 'changed';
  changes: StateChangeEntry[];
}

/** `GET /v1/twins/{id}/diff?subtree=true`: the twins that changed, up to the server's bound. */
export interface SubtreeDiffAnswer {
  from: string;
  to: string;
  by: 'event' | 'record';
  twins: SubtreeTwinChange[];
  compared: number;
  truncated: boolean;
}

/** `GET /v1/twins/{id}/maintenance/history`. */
export interface MaintenanceHistory {
  twinId: string;
  total: number;
  predictions: Array<MaintenancePrediction & { eventId: string; predictedAt: string }>;
  next: string | null;
}

/** The body of `POST /v1/twins/{id}/maintenance`. */
export interface RecordMaintenance {
  kind: MaintenanceKind;
  performedAt: string;
  resets?: string[];
  componentId?: string;
  notes?: string;
}

/** What a command answers. */
export interface CommandAnswer {
  twinId: string;
  revision: number;
  events: Array<{ id: string; type: string }>;
}

/** One of a maintenance report's figures: Twinlog's value, cited as {F3} by the model. */
export interface ReportFigure {
  id: string;
  label: string;
  value: number | string;
  unit: string | null;
  twinId: string | null;
  source: { eventId: string; at: string } | { query: string; at: string };
}

/** `GET /v1/reports/maintenance`: the AI-written report; every number in it is a figure. */
export interface MaintenanceReport {
  scope: { kind: 'twin'; twinId: string } | { kind: 'site'; site: string };
  generatedAt: string;
  model: string;
  cached: boolean;
  figures: ReportFigure[];
  sections: Array<{ title: string; text: string }>;
  markdown: string;
}
