import { z } from 'zod';
import { limitsSchema, TWIN_LEVELS } from '../model/twin-model.schema';
import {
  LIMIT_LEVELS,
  MAINTENANCE_KINDS,
  MAINTENANCE_PRIORITIES,
  RISK_LEVELS,
  SEVERITIES,
  type TwinEventType,
} from './twin-events';
import { ALERT_EVENT_DATA_SCHEMAS } from '../alerts/alert-event-schemas';
import { AI_EVENT_DATA_SCHEMAS, simulationAskSchema } from './ai-event-schemas';

const isoTime = z.iso.datetime({ offset: true });
const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const id = z.string().min(1).max(200);

export const readingSchema = z.object({
  readingId: id,
  property: z.string().min(1),
  value: finite,
  unit: z.string().min(1),
  occurredAt: isoTime,
});

const evidenceSchema = z.object({
  property: z.string(),
  observed: finite,
  expected: finite.optional(),
  expectedLow: finite.optional(),
  expectedHigh: finite.optional(),
});

const limitCrossingSchema = z.object({
  property: z.string().min(1),
  level: z.enum(LIMIT_LEVELS),
  bound: z.enum(['high', 'low']),
  limit: finite,
  atSeconds: finite.min(0),
});

const healthFeatureSchema = z.object({
  property: z.string().min(1),
  value: finite,
  baseline: finite,
  threshold: finite,
  health: z.number().min(0).max(100),
  trendPerHour: finite,
  model: z.string().min(1),
  rulHours: finite.min(0).optional(),
  rulLowHours: finite.min(0).optional(),
  rulHighHours: finite.min(0).optional(),
});

/** Payload schemas of the CURRENT version of each event type. */
export const EVENT_DATA_SCHEMAS: Record<TwinEventType, z.ZodType> = {
  TwinRegistered: z.object({
    twinType: z.string().min(1),
    modelVersion: z.number().int().positive(),
    level: z.enum(TWIN_LEVELS),
    parentId: id.nullable(),
    site: z.string().nullable(),
    name: z.string().nullable(),
    limits: z.record(z.string(), limitsSchema),
  }),
  ChildAttached: z.object({ childId: id, childType: z.string().min(1) }),
  ModelVersionChanged: z.object({
    from: z.number().int().positive(),
    to: z.number().int().positive(),
    limits: z.record(z.string(), limitsSchema),
  }),
  LimitsChanged: z.object({ property: z.string().min(1), limits: limitsSchema }),
  TelemetryReported: z.object({ readings: z.array(readingSchema).min(1) }),
  MaintenancePerformed: z.object({
    kind: z.enum(MAINTENANCE_KINDS),
    performedAt: isoTime,
    resets: z.array(z.string()),
    componentId: id.nullable(),
    notes: z.string().nullable(),
  }),
  TwinRetired: z.object({ reason: z.string() }),
  AnomalyDetected: z.object({
    episodeId: id,
    detector: z.string().min(1),
    properties: z.array(z.string()).min(1),
    score: z.number().min(0).max(1),
    severity: z.enum(SEVERITIES),
    evidence: z.array(evidenceSchema),
  }),
  AnomalyEscalated: z.object({
    episodeId: id,
    detector: z.string().min(1),
    severity: z.enum(SEVERITIES),
    score: z.number().min(0).max(1),
    evidence: z.array(evidenceSchema),
  }),
  AnomalyCleared: z.object({ episodeId: id, detector: z.string().min(1) }),
  MaintenancePredicted: z
    .object({
      healthIndex: z.number().min(0).max(100),
      rulHours: finite.min(0),
      rulLowHours: finite.min(0),
      rulHighHours: finite.min(0),
      basis: z.string().min(1),
      model: z.string().min(1),
      priority: z.enum(MAINTENANCE_PRIORITIES),
      window: z.object({ from: isoTime, to: isoTime }),
      maintenanceType: z.enum(['preventive', 'corrective']).optional(),
      action: z.string().min(1).optional(),
      downtimeHours: finite.min(0).optional(),
      beyondHorizon: z.boolean().optional(),
      features: z.array(healthFeatureSchema).optional(),
      anomalyPenalty: finite.min(0).optional(),
    })
    .refine(
      (p) => p.rulLowHours <= p.rulHours && p.rulHours <= p.rulHighHours,
      'the RUL band must hold the estimate',
    ),
  SimulationRequested: z.object({
    simulationId: id,
    label: z.string().max(200).nullable(),
    comparisonId: id.nullable(),
    startAt: isoTime,
    timeTravel: z.boolean(),
    horizonSeconds: finite.positive(),
    stepSeconds: finite.positive(),
    perturbations: z.array(z.record(z.string(), z.unknown())),
    samples: z.number().int().nonnegative(),
    seed: z.number().int().nullable(),
    // Optional: events recorded before issue 22 have none.
    ask: simulationAskSchema.nullable().optional(),
  }),
  SimulationCompleted: z.object({
    simulationId: id,
    riskLevel: z.enum(RISK_LEVELS),
    firstLimit: limitCrossingSchema.nullable(),
    crossings: z.array(limitCrossingSchema),
    crossingProbabilities: z.array(
      z.object({
        property: z.string().min(1),
        level: z.enum(LIMIT_LEVELS),
        probability: z.number().min(0).max(1),
      }),
    ),
    calibration: z.array(
      z.object({
        group: z.string().min(1),
        status: z.enum(['fitted', 'partial', 'default']),
        points: z.number().int().nonnegative(),
        rmse: finite.nullable(),
      }),
    ),
    recommendations: z.array(z.string()),
  }),
  SimulationCancelled: z.object({
    simulationId: id,
    reason: z.string(),
    progress: z.number().min(0).max(1),
  }),
  SimulationFailed: z.object({ simulationId: id, code: z.string().min(1), message: z.string() }),
  ...AI_EVENT_DATA_SCHEMAS,
  ...ALERT_EVENT_DATA_SCHEMAS,
};

export const envelopeSchema = z.object({
  id,
  twinId: id,
  type: z.string(),
  revision: z.number().int().positive(),
  schemaVersion: z.number().int().positive(),
  occurredAt: isoTime,
  recordedAt: isoTime,
  correlationId: id,
  causationId: id.nullable(),
  producer: z.string().min(1),
  data: z.unknown(),
});
