import {
  CURRENT_SCHEMA_VERSION,
  envelopeSchema,
  EVENT_DATA_SCHEMAS,
  HEALTH_BANDS,
  limitsSchema,
  TWIN_LEVELS,
  type TwinEventType,
} from '@twinlog/domain';
import { z } from 'zod';

/**
 * Answer schemas of the twin as several services show it (twin-state's queries, maintenance's
 * views): built from the domain's own event schemas, so an answer says what the log holds.
 */
const time = z.string().describe('An ISO 8601 time in UTC');
const objectOf = (type: TwinEventType) => EVENT_DATA_SCHEMAS[type] as z.ZodObject;

export const HEALTH_STATUS = z.enum([...HEALTH_BANDS, 'unknown']);
export const TWIN_HEALTH = z
  .object({ status: HEALTH_STATUS, properties: z.record(z.string(), z.enum(HEALTH_BANDS)) })
  .meta({ id: 'TwinHealth' });

export const MAINTENANCE_PREDICTION = objectOf('MaintenancePredicted')
  .safeExtend({ predictedAt: time, eventId: z.string() })
  .meta({ id: 'MaintenancePrediction' });

/** A property's last reported value, and the reading and event that set it. */
export const REPORTED_VALUE = z.object({
  value: z.number(),
  unit: z.string(),
  occurredAt: time,
  readingId: z.string(),
  eventId: z.string(),
  revision: z.number().int(),
});

/** A twin as folded from its events (libs/domain/src/twin/twin-state.ts). */
export const TWIN_STATE = z
  .object({
    twinId: z.string(),
    status: z.enum(['active', 'retired']),
    twinType: z.string(),
    modelVersion: z.number().int(),
    level: z.enum(TWIN_LEVELS),
    parentId: z.string().nullable(),
    site: z.string().nullable(),
    name: z.string().nullable(),
    limits: z.record(z.string(), limitsSchema),
    children: z.array(z.object({ twinId: z.string(), twinType: z.string() })),
    reported: z.record(z.string(), REPORTED_VALUE),
    // `severity`, `score` and `evidence` are the worst so far: an AnomalyEscalated raises them
    // and says when (`raisedAt`).
    activeAnomalies: z.record(
      z.string(),
      objectOf('AnomalyDetected').extend({ since: time, raisedAt: time.optional() }),
    ),
    lastMaintenance: objectOf('MaintenancePerformed').extend({ eventId: z.string() }).nullable(),
    maintenancePrediction: MAINTENANCE_PREDICTION.nullable(),
    resetAt: z.record(z.string(), time),
    registeredAt: time.nullable(),
    retiredAt: time.nullable(),
    revision: z.number().int().nonnegative(),
    telemetryRevision: z.number().int().nonnegative(),
  })
  .meta({ id: 'TwinState' });

/** The twin with its health, as GET /v1/twins/{id} and the history answer it. */
export const TWIN_WITH_HEALTH = TWIN_STATE.extend({ health: TWIN_HEALTH }).meta({
  id: 'TwinStateWithHealth',
});

/** An event as the log holds it: the envelope, and the payload of its type's current version. */
export const TWIN_EVENT = z
  .union(
    (Object.keys(CURRENT_SCHEMA_VERSION) as TwinEventType[]).map((type) =>
      envelopeSchema.extend({ type: z.literal(type), data: EVENT_DATA_SCHEMAS[type] }),
    ),
  )
  .meta({ id: 'TwinEvent' });

/** The roll-up of a twin's subtree (libs/domain/src/health/roll-up.ts). */
export const ROLL_UP = z
  .object({
    twinId: z.string(),
    ownStatus: HEALTH_STATUS,
    worstStatus: HEALTH_STATUS,
    leastHealthy: z
      .object({ twinId: z.string(), twinType: z.string(), status: HEALTH_STATUS })
      .nullable(),
    aggregates: z.record(
      z.string(),
      z.object({
        rule: z.string(),
        value: z.number(),
        unit: z.string(),
        count: z.number().int(),
        excluded: z.number().int().optional(),
      }),
    ),
    children: z.array(
      z.object({
        twinId: z.string(),
        twinType: z.string(),
        status: HEALTH_STATUS,
        worstStatus: HEALTH_STATUS,
      }),
    ),
    retired: z.array(z.string()),
  })
  .meta({ id: 'RollUp' });

/** A twin event with more fields beside the envelope (an audit entry's position and actor). */
export function twinEventWith(shape: z.ZodRawShape, id: string) {
  return z
    .union(
      (Object.keys(CURRENT_SCHEMA_VERSION) as TwinEventType[]).map((type) =>
        envelopeSchema.extend({ ...shape, type: z.literal(type), data: EVENT_DATA_SCHEMAS[type] }),
      ),
    )
    .meta({ id });
}
