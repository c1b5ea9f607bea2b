import { pageOf } from '@twinlog/service-kit';
import { z } from 'zod';

/** What ingestion's routes take and answer (the OpenAPI document's schemas). */
const time = z.string();

/** One reading as sent; every check beyond its shape is ingestion's, per reading. */
export const READING_IN = z
  .object({
    twinId: z.string(),
    property: z.string(),
    value: z.number(),
    time: z
      .union([z.string(), z.number()])
      .describe('ISO 8601 with an offset, or epoch milliseconds'),
    unit: z
      .string()
      .optional()
      .describe("The reading's unit; the property's declared one when absent"),
    readingId: z
      .string()
      .optional()
      .describe('Makes a resend harmless: a reading id seen before is answered as a duplicate'),
  })
  .meta({ id: 'Reading' });

/** A batch as JSON: an array, or `{ readings: [...] }`; as NDJSON, one reading per line. */
export const READINGS_BODY = z.union([
  z.array(READING_IN),
  z.object({ readings: z.array(READING_IN) }),
]);

const ERROR = z.object({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
});

export const INTAKE_REPORT = z
  .object({
    accepted: z.number().int().nonnegative(),
    duplicates: z.number().int().nonnegative(),
    rejected: z.number().int().nonnegative(),
    results: z.array(
      z.union([
        z.object({
          index: z.number().int().nonnegative(),
          status: z.enum(['accepted', 'duplicate']),
          twinId: z.string(),
          readingId: z.string(),
        }),
        z.object({
          index: z.number().int().nonnegative(),
          status: z.literal('rejected'),
          error: ERROR,
        }),
      ]),
    ),
  })
  .meta({ id: 'IntakeReport' });

const SOURCE = z.object({
  stream: z.string(),
  partition: z.number().int().optional(),
  offset: z.number().int().optional(),
  origin: z.string().optional(),
});

export const DEAD_LETTER = z
  .object({
    id: z.string(),
    reason: z.string(),
    code: z.string(),
    source: SOURCE,
    payload: z.string(),
    payloadEncoding: z.literal('base64').optional(),
    payloadBytes: z.number().int().optional(),
    consumer: z.string(),
    at: time,
    replayable: z.boolean(),
    notReplayableBecause: z.string().optional(),
    lastReplay: z
      .object({
        at: time,
        by: z.string(),
        outcome: z.enum(['accepted', 'refused']),
        code: z.string().optional(),
      })
      .optional(),
  })
  .meta({ id: 'DeadLetter' });

export const DEAD_LETTER_PAGE = pageOf('deadLetters', DEAD_LETTER);

export const REPLAY_REPORT = z.object({
  at: time,
  by: z.string(),
  accepted: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  refused: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  results: z.array(
    z.object({
      id: z.string(),
      status: z.enum(['accepted', 'duplicate', 'refused', 'already-replayed', 'not-replayable']),
      code: z.string().optional(),
      message: z.string().optional(),
    }),
  ),
});

const count = z.number().int().nonnegative();
export const MQTT_STATUS = z.object({
  enabled: z.boolean(),
  input: z.object({
    enabled: z.boolean(),
    connected: z.boolean(),
    filters: z.array(z.string()),
    received: count,
    acknowledged: count,
    deadLettered: count,
    inFlight: count,
    batches: count,
    readings: z.object({ accepted: count, duplicates: count, rejected: count }),
  }),
  broker: z.object({
    state: z.enum(['watching', 'unknown', 'off']),
    reason: z.string().optional(),
    source: z.string(),
    droppedTotal: count.nullable(),
    droppedSinceStart: count,
    lastDropAt: time.nullable(),
    lastReadAt: time.nullable(),
    stored: z.object({ messages: count.nullable(), bytes: count.nullable() }),
  }),
  warnings: z.array(z.string()),
});
