import { z } from 'zod';

/** What a rebuild reports (RebuildReport). */
export const REBUILD_REPORT = z
  .object({
    verified: z.number().int().nonnegative(),
    mismatches: z.array(
      z.object({ twinId: z.string(), live: z.string().nullable(), rebuilt: z.string().nullable() }),
    ),
    movedOn: z.array(z.string()),
    events: z.number().int().nonnegative(),
    seconds: z.number().nonnegative(),
  })
  .meta({ id: 'RebuildReport' });

/** One line of the whole rebuild's NDJSON progress. */
export const REBUILD_PROGRESS = z.union([
  z.object({
    phase: z.literal('replay'),
    events: z.number().int().nonnegative(),
    total: z.number().int().nonnegative().optional(),
  }),
  z.object({ phase: z.literal('done'), report: REBUILD_REPORT }),
  z.object({ phase: z.literal('failed'), error: z.string() }),
]);
