import { q } from '@twinlog/service-kit';
import { z } from 'zod';

const offsetHolder = z.object({ group: z.string(), offset: z.number().int().nonnegative() });

/** What GET /v1/storage answers (StorageService.report). */
export const STORAGE_REPORT = z
  .discriminatedUnion('mode', [
    z.object({
      mode: z.literal('embedded'),
      dataDir: z.string(),
      bytesOnDisk: z.number().int().nonnegative(),
      readings: z.number().int().nonnegative().describe('Readings held in the time-series store'),
      bytesPerReading: z
        .number()
        .nonnegative()
        .nullable()
        .describe("The data directory's bytes on disk over the readings it holds"),
      files: z.array(
        z.object({ file: z.string(), bytes: z.number().int().nonnegative(), holds: z.string() }),
      ),
      telemetryLog: z.object({
        retentionDays: z.number().nullable().describe('null: kept forever'),
        keptFrom: z
          .string()
          .nullable()
          .describe('From when the raw telemetry log is whole (null: nothing dropped yet)'),
        events: z.number().int().nonnegative(),
        keptForCurrentValues: z
          .number()
          .int()
          .nonnegative()
          .describe('Events older than the window kept because they hold a current value'),
        freeBytesInFile: z.number().int().nonnegative(),
        furthestBehind: offsetHolder
          .nullable()
          .describe('The consumer group furthest behind on telemetry: retention never passes it'),
      }),
      cap: z.object({
        bytes: z.number().int().positive().nullable(),
        status: z.enum(['ok', 'warning', 'over']),
      }),
    }),
    z.object({ mode: z.literal('distributed'), note: z.string() }),
  ])
  .meta({ id: 'StorageReport' });

export type StorageReport = z.infer<typeof STORAGE_REPORT>;

/** What POST /v1/admin/retention answers (RetentionRun). */
export const RETENTION_RUN = z
  .object({
    keptFrom: z.string().nullable(),
    scanned: z.number().int().nonnegative(),
    deleted: z.number().int().nonnegative(),
    heldBackBy: offsetHolder.nullable(),
    ms: z.number().nonnegative(),
  })
  .meta({ id: 'RetentionRun' });

export const RETENTION_BODY = z
  .object({
    olderThan: q
      .time()
      .optional()
      .describe('Drop raw telemetry recorded before this time (default: the configured window)'),
  })
  .strict();
