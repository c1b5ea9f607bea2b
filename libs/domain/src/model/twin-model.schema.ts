import { z } from 'zod';
import { operatingStateProblems } from './operating-state-rules';

/** The four kinds of twin ARCHITECTURE.md names, from a part up to a whole flow. */
export const TWIN_LEVELS = ['component', 'asset', 'system', 'process'] as const;
export type TwinLevel = (typeof TWIN_LEVELS)[number];

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const name = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be lower_snake_case (a-z, 0-9, _)');
const typeName = z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-kebab-case (a-z, 0-9, -)');

/** A band with an optional lower and upper bound; either side may be open. */
export const bandSchema = z
  .object({ low: finite.optional(), high: finite.optional() })
  .strict()
  .refine(
    (b) => b.low === undefined || b.high === undefined || b.low <= b.high,
    'low must not exceed high',
  );

export const limitsSchema = z
  .object({
    normal: bandSchema.optional(),
    warning: bandSchema.optional(),
    alarm: bandSchema.optional(),
    failure: bandSchema.optional(),
  })
  .strict();

/**
 * The values a property can physically take, in its unit: a reading outside is refused
 * (VALUE_OUT_OF_BOUNDS) and no limit may lie outside. Either side may be left to the unit's
 * default (model/physical-range.ts: absolute zero for temperatures, 0 for speeds, flows, power,
 * fractions and throughput, a vacuum for pressures; ±1e15 at most for anything).
 */
export const physicalRangeSchema = z
  .object({ min: finite.optional(), max: finite.optional() })
  .strict()
  .refine(
    (r) => r.min === undefined || r.max === undefined || r.min <= r.max,
    'min must not exceed max',
  );

export const anomalySettingsSchema = z
  .object({
    /** The fastest physically possible change, units per second (rate-of-change detector). */
    maxRatePerSecond: finite.positive().optional(),
    /** Seconds without any change after which the sensor is considered stuck; 0 turns it off. */
    flatlineSeconds: finite.nonnegative().optional(),
    /**
     * Usual reporting intervals of silence (while the twin's other sensors report) after which
     * the sensor is missing; 0 turns it off (for a property reported only when it changes).
     */
    missingAfterIntervals: finite.nonnegative().optional(),
    /**
     * Adaptive baseline: deviations (standard deviations) that count as anomalous; 0 turns it
     * off for a property whose normal behaviour has several levels (on/off load cycles).
     */
    baselineThreshold: finite.nonnegative().optional(),
    /** Adaptive baseline: readings learned before any is judged. */
    baselineWarmUp: z.number().int().positive().optional(),
    /** Adaptive baseline: weight of the newest reading (how fast normal drift is followed). */
    baselineWeight: finite.positive().max(1).optional(),
    /**
     * The single-stream detector for a property that moves on its own (a temperature with a
     * daily cycle, a counter): true for its defaults, or some of its settings. Off by default.
     */
    singleStream: z
      .union([
        z.boolean(),
        z
          .object({
            /** Tail probability per reading at which an alarm opens (default 1e-4). */
            alarmProbability: finite.positive().lt(0.5).optional(),
            /** Readings after an alarm during which no new one opens (default 150). */
            suppressReadings: z.number().int().positive().optional(),
          })
          .strict(),
      ])
      .optional(),
  })
  .strict();

/**
 * Twin-level anomaly settings: the multivariate detector over the twin's property vector. Every
 * key has a default in libs/analytics (docs/analytics/anomaly-detection.md).
 */
export const twinAnomalySettingsSchema = z
  .object({
    multivariate: z
      .object({
        /** Off when false; on by default for a model with two or more properties. */
        enabled: z.boolean().optional(),
        /** The properties of the vector (default: all the model's properties). */
        properties: z.array(name).min(2).optional(),
        /** Complete vectors learned as normal before any is judged. */
        warmUp: z.number().int().positive().optional(),
        /** Vectors the smoothing spans; also the on- and off-delay of an episode. */
        smoothing: z.number().int().positive().optional(),
        /** Time constant, in vectors, at which the normal level follows drift. */
        adaptation: finite.positive().optional(),
        /** Multiplier on the warm-up's own score quantile that sets the control limit. */
        limitMargin: finite.positive().optional(),
      })
      .strict()
      .optional(),
    /**
     * Declared operating states (idle, cutting, down...), told apart by one property's value: the
     * multivariate channel judges each state against its own normal behaviour and does not judge
     * the transient after a change of state (docs/analytics/anomaly-detection.md).
     */
    operatingStates: z
      .object({
        /** The property whose value tells the state: a controller's state code, a speed, a current. */
        property: name,
        /** In increasing order of `below` (values below it, and not below the previous, are the state); the last has none. */
        states: z
          .array(
            z
              .object({
                name,
                below: finite.optional(),
                /**
                 * Properties that hold still in this state by nature (a stopped spindle's speed):
                 * the stuck-sensor check does not judge them while the twin is in it.
                 */
                still: z.array(name).optional(),
              })
              .strict(),
          )
          .min(2, 'at least two states are needed'),
        /** Vectors after a change of state that are not judged (default: the multivariate smoothing). */
        settle: z.number().int().nonnegative().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const propertySpecSchema = z
  .object({
    unit: z.string().min(1, 'a unit is required (use "1" for a dimensionless value)'),
    valueType: z.enum(['number', 'integer']).default('number'),
    description: z.string().optional(),
    limits: limitsSchema.default({}),
    physicalRange: physicalRangeSchema.optional(),
    /** Parameters a physics model of this property needs (time constants, coefficients). */
    physics: z.record(z.string(), finite).optional(),
    /** How a system or process twin aggregates this property over the twins below it. */
    rollup: z.enum(['sum', 'mean', 'min', 'max']).optional(),
    /** Anomaly detection settings of this property; every key has a default in libs/analytics. */
    anomaly: anomalySettingsSchema.optional(),
    /**
     * Computed by Twinlog, not measured: `process-kpis` (the process figures, ADR 0021). Only
     * their producer writes them; ingestion refuses readings of them (PROPERTY_DERIVED).
     */
    derived: z.enum(['process-kpis']).optional(),
  })
  .strict();

export const childRuleSchema = z
  .object({
    type: typeName,
    min: z.number().int().nonnegative().default(0),
    max: z.number().int().positive().optional(),
  })
  .strict()
  .refine((c) => c.max === undefined || c.min <= c.max, 'min must not exceed max');

/**
 * What maintaining this kind of twin takes, for the maintenance service's recommendations: the
 * action, the downtime it costs (a tool change versus a spindle bearing replacement) and how far
 * ahead it must be planned (parts, crew).
 */
export const maintenanceSpecSchema = z
  .object({
    action: z.string().min(1),
    downtimeHours: finite.positive(),
    /** Downtime when it has already failed (unplanned repair); the planned downtime when absent. */
    correctiveDowntimeHours: finite.positive().optional(),
    leadHours: finite.nonnegative().default(24),
    /**
     * How far towards failure (0 new, 1 at the threshold) an indicator must have come before its
     * trend is extrapolated to a remaining life; the analytics default (0.2) keeps a healthy
     * signal's wander from being read as wear. A direct, monotone wear measurement can go lower.
     */
    trendOnset: finite.min(0).max(1).optional(),
    /**
     * Where past truths of this type fell in the remaining-life model's own distribution (normal
     * scores of the truth's 10 %, 50 % and 90 %): the P10-P90 band is read off the model there.
     * Absent, the service's MAINTENANCE_BAND_SCORES (by default learned on the IMS bearings,
     * about twice the model's own spread) holds. A type with a clean, directly measured wear
     * trend can take the model's own band (-1.28, 0, 1.28); `npm run bench:plant-health` and
     * the RUL benches print the scores learned from runs to failure (docs/analytics/rul.md).
     */
    bandScores: z
      .object({ low: finite, mid: finite, high: finite })
      .strict()
      .refine((b) => b.low < b.mid && b.mid < b.high, 'low < mid < high')
      .optional(),
  })
  .strict();

export const twinModelSchema = z
  .object({
    type: typeName,
    version: z.number().int().positive(),
    level: z.enum(TWIN_LEVELS),
    description: z.string().optional(),
    properties: z.record(name, propertySpecSchema).default({}),
    children: z.array(childRuleSchema).default([]),
    physics: z.record(z.string(), finite).optional(),
    maintenance: maintenanceSpecSchema.optional(),
    anomaly: twinAnomalySettingsSchema.optional(),
  })
  .strict()
  .superRefine((model, ctx) => {
    for (const [i, property] of (model.anomaly?.multivariate?.properties ?? []).entries()) {
      if (!Object.hasOwn(model.properties, property))
        ctx.addIssue({
          code: 'custom',
          path: ['anomaly', 'multivariate', 'properties', i],
          message: `unknown property ${property}`,
        });
    }
    const states = model.anomaly?.operatingStates;
    if (states) {
      for (const problem of operatingStateProblems(states, model.properties))
        ctx.addIssue({
          code: 'custom',
          path: ['anomaly', 'operatingStates', ...problem.path],
          message: problem.message,
        });
    }
  });

export type Band = z.infer<typeof bandSchema>;
export type PhysicalRangeSpec = z.infer<typeof physicalRangeSchema>;
export type AnomalySettings = z.infer<typeof anomalySettingsSchema>;
export type TwinAnomalySettings = z.infer<typeof twinAnomalySettingsSchema>;
export type Limits = z.infer<typeof limitsSchema>;
export type PropertySpec = z.infer<typeof propertySpecSchema>;
export type ChildRule = z.infer<typeof childRuleSchema>;
export type TwinModel = z.infer<typeof twinModelSchema>;
export type MaintenanceSpec = z.infer<typeof maintenanceSpecSchema>;
