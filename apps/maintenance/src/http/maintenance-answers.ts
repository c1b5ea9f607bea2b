import { EVENT_DATA_SCHEMAS, MAINTENANCE_PRIORITIES, TWIN_LEVELS } from '@twinlog/domain';
import { MAINTENANCE_PREDICTION, NEXT } from '@twinlog/service-kit';
import { z } from 'zod';

/** What the maintenance routes answer (the OpenAPI document's schemas). */
const priority = z.enum(MAINTENANCE_PRIORITIES);

export const CURRENT_ANSWER = z.object({
  twinId: z.string(),
  twinType: z.string(),
  level: z.enum(TWIN_LEVELS),
  prediction: MAINTENANCE_PREDICTION.nullable(),
  reason: z.string().optional().describe('Why there is no prediction yet'),
});

export const HISTORY_ANSWER = z.object({
  twinId: z.string(),
  total: z
    .number()
    .int()
    .nonnegative()
    .describe('Predictions in the range; the newest `limit` are listed'),
  predictions: z.array(
    (EVENT_DATA_SCHEMAS.MaintenancePredicted as z.ZodObject).safeExtend({
      eventId: z.string(),
      predictedAt: z.string(),
      recordedAt: z.string(),
      causationId: z.string().nullable(),
    }),
  ),
  next: NEXT,
});

export const ROLLUP_ANSWER = z.object({
  twinId: z.string(),
  twinType: z.string(),
  level: z.string(),
  healthIndex: z.number().nullable(),
  worstPriority: priority.nullable(),
  firstToFail: z
    .object({
      twinId: z.string(),
      twinType: z.string(),
      rulLowHours: z.number(),
      rulHours: z.number(),
      priority,
      action: z.string().nullable(),
    })
    .nullable(),
  predicted: z.number().int().nonnegative(),
  children: z.array(
    z.object({
      twinId: z.string(),
      twinType: z.string(),
      level: z.string(),
      healthIndex: z.number().nullable(),
      priority: priority.nullable(),
      rulHours: z.number().nullable(),
      subtreeHealthIndex: z.number().nullable(),
    }),
  ),
});

const count = z.number().int().nonnegative();
export const WORKER_ANSWER = z.object({
  partitions: z.array(z.number().int()),
  twinsModelled: count,
  readingsSeen: count,
  readingsReplayed: count,
  predictionsAppended: count,
  restores: count,
  unknownTwins: count,
});
