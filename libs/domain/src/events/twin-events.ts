import type { Limits } from '../model/twin-model.schema';
import type { TwinLevel } from '../model/twin-model.schema';
import type { AlertEvent, AlertEventType } from '../alerts/alert-events';
import type { AiEvent, SimulationAsk } from './ai-events';

/** One sensor reading as it is recorded in the log (already validated and in the model's unit). */
export interface Reading {
  readingId: string;
  property: string;
  value: number;
  unit: string;
  occurredAt: string;
}

export const MAINTENANCE_KINDS = [
  'inspection',
  'tool-replaced',
  'part-replaced',
  'repair',
  'lubrication',
  'calibration',
] as const;
export type MaintenanceKind = (typeof MAINTENANCE_KINDS)[number];
export const SEVERITIES = ['info', 'warning', 'alarm', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface AnomalyEvidence {
  property: string;
  observed: number;
  expected?: number;
  expectedLow?: number;
  expectedHigh?: number;
}

/** Every domain event of a twin stream: a discriminated union on `type`, payload in `data`. */
export type TwinEvent =
  | {
      type: 'TwinRegistered';
      data: {
        twinType: string;
        modelVersion: number;
        level: TwinLevel;
        parentId: string | null;
        site: string | null;
        name: string | null;
        limits: Record<string, Limits>;
      };
    }
  | { type: 'ChildAttached'; data: { childId: string; childType: string } }
  | {
      type: 'ModelVersionChanged';
      data: { from: number; to: number; limits: Record<string, Limits> };
    }
  | { type: 'LimitsChanged'; data: { property: string; limits: Limits } }
  | { type: 'TelemetryReported'; data: { readings: Reading[] } }
  | {
      type: 'MaintenancePerformed';
      data: {
        kind: MaintenanceKind;
        performedAt: string;
        resets: string[];
        componentId: string | null;
        notes: string | null;
      };
    }
  | { type: 'TwinRetired'; data: { reason: string } }
  | {
      type: 'AnomalyDetected';
      data: {
        episodeId: string;
        detector: string;
        properties: string[];
        score: number;
        severity: Severity;
        evidence: AnomalyEvidence[];
      };
    }
  | {
      // An open episode got worse (docs/services/anomaly.md): its severity is the worst so far.
      type: 'AnomalyEscalated';
      data: {
        episodeId: string;
        detector: string;
        severity: Severity;
        score: number;
        evidence: AnomalyEvidence[];
      };
    }
  | { type: 'AnomalyCleared'; data: { episodeId: string; detector: string } }
  | { type: 'MaintenancePredicted'; data: MaintenancePrediction }
  | { type: 'SimulationRequested'; data: SimulationRequest }
  | { type: 'SimulationCompleted'; data: SimulationSummary }
  | {
      type: 'SimulationCancelled';
      data: { simulationId: string; reason: string; progress: number };
    }
  | { type: 'SimulationFailed'; data: { simulationId: string; code: string; message: string } }
  // The AI layer's notes and findings (docs/adr/0022): on twin-events, folded into no state.
  | AiEvent
  // The alerts stream's events (docs/adr/0019), keyed by twin like the rest: alerting's own.
  | AlertEvent;

/** The maintenance service's view of a component: health, remaining life, what to do and when. */
export interface MaintenancePrediction {
  /** 100 = as new, 0 = at its failure threshold (v1 carried a fraction; upcast to 0-100). */
  healthIndex: number;
  /** Remaining useful life in hours: the median (P50), within a band (P10 and P90). */
  rulHours: number;
  rulLowHours: number;
  rulHighHours: number;
  /** The property whose trend drives the estimate, e.g. tool_wear. */
  basis: string;
  model: string;
  priority: MaintenancePriority;
  /** When to start the work so that it is done before the early (P10) end of life. */
  window: { from: string; to: string };
  /** Preventive (planned before failure) or corrective (it has failed or is failing now). */
  maintenanceType?: 'preventive' | 'corrective';
  /** What to do, and the downtime it costs, from the twin model's maintenance block. */
  action?: string;
  downtimeHours?: number;
  /** No failure expected within the model's horizon: the RUL figures are that horizon. */
  beyondHorizon?: boolean;
  /** The health indicators behind the index, weakest first. */
  features?: HealthFeature[];
  /** Points taken off the index for anomaly history (active and recent episodes). */
  anomalyPenalty?: number;
}

export const MAINTENANCE_PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export type MaintenancePriority = (typeof MAINTENANCE_PRIORITIES)[number];

/** One health indicator: a property on its way from its healthy level to its failure threshold. */
export interface HealthFeature {
  property: string;
  /** The smoothed current level, its healthy reference and the failure threshold (model unit). */
  value: number;
  baseline: number;
  threshold: number;
  /** 0-100 like the index. */
  health: number;
  /** Change of the level per hour, from the degradation model (0 when no trend). */
  trendPerHour: number;
  /** Which degradation model fits (linear, exponential) or none (no degradation yet). */
  model: string;
  rulHours?: number;
  rulLowHours?: number;
  rulHighHours?: number;
}

export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
export const LIMIT_LEVELS = ['warning', 'alarm', 'failure'] as const;
export type LimitLevel = (typeof LIMIT_LEVELS)[number];

/**
 * A what-if run as the simulation service was asked it: where it starts, how far it looks and
 * what it changes. A record of a question, not a fact about the twin: folding it changes no state.
 */
export interface SimulationRequest {
  simulationId: string;
  label: string | null;
  /** Set when the run is one side of a comparison; both sides share it. */
  comparisonId: string | null;
  /** The (event) time of the twin state the run starts from. */
  startAt: string;
  /** True when the run starts from a past state (time travel) rather than the latest. */
  timeTravel: boolean;
  horizonSeconds: number;
  stepSeconds: number;
  /** The perturbations as validated (kind, target, offset and amount). */
  perturbations: Array<Record<string, unknown>>;
  /** Monte Carlo samples; 0 when the run is deterministic only. */
  samples: number;
  seed: number | null;
  /** The plain words it was asked in (POST /v1/simulations/ask); absent before issue 22. */
  ask?: SimulationAsk | null;
}

/** A limit the simulated trajectory reaches, seconds after the start. */
export interface LimitCrossing {
  property: string;
  level: LimitLevel;
  bound: 'high' | 'low';
  limit: number;
  atSeconds: number;
}

/** What a completed what-if run found, small enough for the audit trail. */
export interface SimulationSummary {
  simulationId: string;
  riskLevel: RiskLevel;
  firstLimit: LimitCrossing | null;
  crossings: LimitCrossing[];
  /** Monte Carlo only: the share of samples that reach each limit within the horizon. */
  crossingProbabilities: Array<{ property: string; level: LimitLevel; probability: number }>;
  calibration: Array<{
    group: string;
    status: 'fitted' | 'partial' | 'default';
    points: number;
    rmse: number | null;
  }>;
  recommendations: string[];
}

export type TwinEventType = TwinEvent['type'];
export type EventOfType<T extends TwinEventType> = Extract<TwinEvent, { type: T }>;

/** Where and why an event was recorded: the envelope that wraps every event in the log. */
export interface EventMeta {
  /** Unique; appending an id twice is a no-op (idempotence). */
  id: string;
  twinId: string;
  /**
   * The event's position in its stream (offset + 1), assigned by the log on append, never by the
   * producer: increasing per twin within a stream, not dense. See docs/adr/0002.
   */
  revision: number;
  schemaVersion: number;
  /** When it happened in the plant (event time). */
  occurredAt: string;
  /** When Twinlog recorded it (record time). */
  recordedAt: string;
  correlationId: string;
  causationId: string | null;
  producer: string;
}

export type EventEnvelope<E extends TwinEvent = TwinEvent> = E & EventMeta;

/** An event as a producer hands it to the log, before the log gives it a position. */
export type NewEvent<E extends TwinEvent = TwinEvent> = E & Omit<EventMeta, 'revision'>;

/**
 * The two streams of a twin. Telemetry is high-volume and written by ingestion; everything else
 * (the aggregate's decisions and the analytics services' findings) is the twin-events stream.
 * Each stream is keyed by twin id, so one twin's events in a stream are totally ordered.
 */
export type StreamName = 'twin-events' | 'telemetry' | 'alerts';
export const STREAMS: readonly StreamName[] = ['twin-events', 'telemetry', 'alerts'];

export function streamOf(type: TwinEventType): StreamName {
  if (type === 'TelemetryReported') return 'telemetry';
  return isAlertEventType(type) ? 'alerts' : 'twin-events';
}

export function isAlertEventType(type: string): type is AlertEventType {
  return Object.hasOwn(ALERT_SCHEMA_VERSION, type);
}

/** An event of the alerts stream (docs/adr/0019). */
export function isAlertEvent(event: EventEnvelope): event is EventEnvelope<AlertEvent> {
  return isAlertEventType(event.type);
}

/** The alerts stream's event types, all at their first version. */
const ALERT_SCHEMA_VERSION: Record<AlertEventType, number> = {
  AlertOpened: 1,
  AlertMemberJoined: 1,
  AlertMemberCleared: 1,
  AlertSeverityRaised: 1,
  AlertAcknowledged: 1,
  AlertAssigned: 1,
  AlertEscalated: 1,
  AlertResolved: 1,
  AlertReopened: 1,
  AlertNotificationQueued: 1,
  AlertNotificationSuppressed: 1,
  AlertDeliveryAttempted: 1,
  AlertDelivered: 1,
  AlertDeliveryDead: 1,
  AlertDeliveryRequeued: 1,
  AlertChannelCreated: 1,
  AlertChannelDeleted: 1,
  AlertRuleSet: 1,
  AlertRuleDeleted: 1,
  SilenceSet: 1,
  SilenceLifted: 1,
};

/** The current schema version of each event type; older versions are upcast when read. */
export const CURRENT_SCHEMA_VERSION: Record<TwinEventType, number> = {
  TwinRegistered: 1,
  ChildAttached: 1,
  ModelVersionChanged: 1,
  LimitsChanged: 1,
  TelemetryReported: 2,
  MaintenancePerformed: 1,
  TwinRetired: 1,
  AnomalyDetected: 1,
  AnomalyEscalated: 1,
  AnomalyCleared: 1,
  MaintenancePredicted: 2,
  SimulationRequested: 1,
  SimulationCompleted: 1,
  SimulationCancelled: 1,
  SimulationFailed: 1,
  AnomalyExplained: 1,
  AiFindingRecorded: 1,
  ...ALERT_SCHEMA_VERSION,
};
