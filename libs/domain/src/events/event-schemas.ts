import { z } from 'zod';
import { limitsSchema, TWIN_LEVELS } from '../model/twin-model.schema';
import { MAINTENANCE_KINDS, SEVERITIES, type TwinEventType } from './twin-events';

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
  AnomalyCleared: z.object({ episodeId: id, detector: z.string().min(1) }),
  MaintenancePredicted: z
    .object({
      healthIndex: z.number().min(0).max(1),
      rulHours: finite.min(0),
      rulLowHours: finite.min(0),
      rulHighHours: finite.min(0),
      basis: z.string().min(1),
      model: z.string().min(1),
      priority: z.enum(['low', 'medium', 'high', 'urgent']),
      window: z.object({ from: isoTime, to: isoTime }),
    })
    .refine(
      (p) => p.rulLowHours <= p.rulHours && p.rulHours <= p.rulHighHours,
      'the RUL band must hold the estimate',
    ),
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
