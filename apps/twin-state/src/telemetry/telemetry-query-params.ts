import { orderedRange, q } from '@twinlog/service-kit';
import { z } from 'zod';

/** Properties per request: a chart's handful, not a twin's every property a hundred times. */
export const MAX_PROPERTIES = 20;

/**
 * `property=a,b` (a comma list, as `types=` of the audit trail: a parameter is given once),
 * `from` and `to` (ISO 8601, both optional), `every` (`90s`, `5m`, `1h`, `1d`; optional).
 * Property names are lower_snake_case, so a comma never is part of one.
 */
export const TELEMETRY_QUERY = z
  .object({
    property: z
      .string()
      .transform((text) => text.split(','))
      .pipe(
        z
          .array(
            z
              .string()
              .regex(/^[a-z][a-z0-9_]{0,99}$/, 'each must be a property name (lower_snake_case)'),
          )
          .min(1)
          .max(MAX_PROPERTIES, `at most ${MAX_PROPERTIES} properties`)
          .refine((l) => new Set(l).size === l.length, 'names a property twice'),
      ),
    from: q.time().optional(),
    to: q.time().optional(),
    every: z.string().max(20, 'must be a duration such as 90s, 5m, 1h or 1d').optional(),
  })
  .superRefine(orderedRange());

export type TelemetryQuery = z.infer<typeof TELEMETRY_QUERY>;
