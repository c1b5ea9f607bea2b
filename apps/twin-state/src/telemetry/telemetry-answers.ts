import { z } from 'zod';

/** The answers of the telemetry routes, for the OpenAPI document (`@Describe`) and the tests. */
const range = {
  twinId: z.string(),
  from: z.string().describe('Start of the range, inclusive (ISO 8601)'),
  to: z.string().describe('End of the range, exclusive (ISO 8601)'),
  every: z
    .string()
    .describe('Window length, e.g. "2m"; chosen for about 1,000 points when not asked'),
  everyMs: z.number().int().positive(),
  everyChosen: z.boolean().describe('Whether Twinlog chose `every` (the request named none)'),
};

export const WINDOW_STATS = z.object({
  start: z.string().describe('Start of the epoch-aligned window (ISO 8601)'),
  mean: z.number().describe('sum / count, rounded to 12 significant digits'),
  min: z.number(),
  max: z.number(),
  last: z.number().describe('Value of the latest point in the window'),
  count: z.number().int().positive(),
});

export const TELEMETRY_ANSWER = z.object({
  ...range,
  series: z.array(
    z.object({
      property: z.string(),
      unit: z.string(),
      windows: z.array(WINDOW_STATS).describe('Windows without points are left out'),
    }),
  ),
});

export const TELEMETRY_ROLLUP_ANSWER = z.object({
  ...range,
  series: z.array(
    z.object({
      property: z.string(),
      rule: z.enum(['sum', 'mean', 'min', 'max']),
      unit: z.string(),
      members: z
        .number()
        .int()
        .nonnegative()
        .describe("Active twins below (of the caller's sites) whose model rolls the property up"),
      windows: z.array(
        z.object({
          start: z.string(),
          value: z
            .number()
            .describe(
              "sum: sum of the members' window means; mean: mean of them; min/max: extreme of any member",
            ),
          members: z.number().int().positive().describe('Members with points in the window'),
          points: z.number().int().positive(),
        }),
      ),
    }),
  ),
});

export type TelemetryAnswer = z.infer<typeof TELEMETRY_ANSWER>;
export type TelemetryRollUpAnswer = z.infer<typeof TELEMETRY_ROLLUP_ANSWER>;
