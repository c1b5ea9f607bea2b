import { LIMIT_LEVELS, RISK_LEVELS } from '@twinlog/domain';
import { PERTURBATION_KINDS, scenarioInput } from '@twinlog/physics';
import { pageOf } from '@twinlog/service-kit';
import { z } from 'zod';

/** What the simulation routes take and answer (the OpenAPI document's schemas). */
const time = z.string();
const subject = {
  twinId: z.string().min(1).max(200).describe('The twin to simulate'),
  at: z
    .string()
    .optional()
    .describe('Start from the twin as it was then (ISO 8601); now when absent'),
};

export const RUN_BODY = scenarioInput.extend(subject).meta({ id: 'SimulationRequest' });
export const COMPARE_BODY = z
  .object({ ...subject, base: scenarioInput, alternative: scenarioInput })
  .strict();

const crossing = z.object({
  property: z.string(),
  level: z.enum(LIMIT_LEVELS),
  bound: z.enum(['high', 'low']),
  limit: z.number(),
  atSeconds: z.number(),
  at: time,
});

const level = z.enum(LIMIT_LEVELS);
const bound = z.enum(['high', 'low']);
const seconds = z.number().nullable();

/** libs/physics: StartValueReport, CalibrationGroupReport, Recommendation, MonteCarloOutcome. */
const START_VALUE = z.object({
  value: z.number(),
  source: z.enum(['reading', 'model']),
  ageSeconds: seconds,
});
const CALIBRATION_GROUP = z.object({
  group: z.string(),
  target: z.string(),
  status: z.enum(['fitted', 'partial', 'default']),
  points: z.number().int().nonnegative(),
  rmse: z.number().nullable(),
  r2: z.number().nullable(),
  fitted: z.array(z.string()),
  reason: z.string().nullable(),
});
const RECOMMENDATION = z.object({
  code: z
    .string()
    .describe(
      'ALREADY_BEYOND, ACT_BEFORE, RESTORE_WITHIN, LIMIT_CONTROL, CONTROL_INSUFFICIENT, REMEDY, WATCH or NO_ACTION',
    ),
  message: z.string(),
  property: z.string().optional(),
  control: z.string().optional(),
  value: z.number().optional(),
  deadlineSeconds: z.number().optional(),
});
const UNCERTAINTY = z.object({
  samples: z.number().int().positive(),
  seed: z.number().int(),
  percentiles: z.array(z.number()),
  bands: z.record(
    z.string(),
    z.object({ p5: z.array(z.number()), p50: z.array(z.number()), p95: z.array(z.number()) }),
  ),
  crossingProbabilities: z.array(
    z.object({
      property: z.string(),
      level,
      bound,
      limit: z.number(),
      probability: z.number().min(0).max(1),
      medianAtSeconds: seconds,
    }),
  ),
});
/** libs/physics/src/compare: two runs side by side. */
const COMPARISON = z.object({
  verdict: z.enum(['alternative-better', 'base-better', 'same']),
  reason: z.string(),
  riskLevel: z.object({ base: z.string(), alternative: z.string() }),
  timeToFirstLimitSeconds: z.object({ base: seconds, alternative: seconds }),
  limits: z.array(
    z.object({
      property: z.string(),
      level,
      bound,
      limit: z.number(),
      base: seconds,
      alternative: seconds,
    }),
  ),
  properties: z.record(
    z.string(),
    z.object({
      final: z.tuple([z.number(), z.number()]),
      peak: z.tuple([z.number(), z.number()]),
      trough: z.tuple([z.number(), z.number()]),
    }),
  ),
});

export const SIMULATION_RESULT = z
  .object({
    simulationId: z.string(),
    twinId: z.string(),
    twinType: z.string(),
    label: z.string().nullable(),
    startAt: time,
    horizonSeconds: z.number(),
    stepSeconds: z.number(),
    perturbations: z.array(
      z.object({
        kind: z.enum(PERTURBATION_KINDS),
        target: z.string(),
        at: z.number(),
        until: z.number().optional(),
        value: z.number().optional(),
        by: z.number().optional(),
        factor: z.number().optional(),
        remaining: z.number().optional(),
        ratePerHour: z.number().optional(),
      }),
    ),
    model: z.object({
      description: z.string(),
      states: z.array(z.string()),
      inputs: z.array(z.string()),
      outputs: z.array(z.string()),
    }),
    start: z.record(z.string(), START_VALUE),
    parameters: z.record(
      z.string(),
      z.object({
        value: z.number(),
        stdErr: z.number().nullable(),
        source: z.enum(['fitted', 'declared', 'derived']),
        unit: z.string(),
      }),
    ),
    calibration: z.object({ from: time, to: time, groups: z.array(CALIBRATION_GROUP) }),
    units: z.record(z.string(), z.string()),
    trajectory: z.object({
      times: z.array(z.number()),
      properties: z.record(z.string(), z.array(z.number())),
    }),
    crossings: z.array(crossing),
    firstLimit: crossing.nullable(),
    timeToFirstLimitSeconds: z.number().nullable(),
    riskLevel: z.enum(RISK_LEVELS),
    recommendations: z.array(RECOMMENDATION),
    uncertainty: UNCERTAINTY.nullable(),
    integration: z.object({
      method: z.string(),
      relativeTolerance: z.number(),
      evaluations: z.number().int(),
      rejectedSteps: z.number().int(),
    }),
  })
  .meta({ id: 'SimulationResult' });

export const COMPARE_RESULT = z
  .object({
    comparisonId: z.string(),
    base: SIMULATION_RESULT,
    alternative: SIMULATION_RESULT,
    comparison: COMPARISON,
  })
  .meta({ id: 'ComparisonResult' });

const jobFields = {
  simulationId: z.string(),
  kind: z.enum(['run', 'compare']),
  twinId: z.string(),
  status: z.enum(['running', 'completed', 'cancelled', 'failed']),
  progress: z.object({
    phase: z.enum(['calibrating', 'simulating', 'recommending', 'monte-carlo']),
    fraction: z.number().min(0).max(1),
  }),
  cancelRequested: z.boolean(),
  createdAt: time,
  finishedAt: time.nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
};

/** A job as listed, or as a 202 answers it. */
export const SIMULATION_JOB = z.object(jobFields).meta({ id: 'SimulationJob' });
/** One job asked for by id: with its result once completed. */
export const SIMULATION_JOB_WITH_RESULT = z.object({
  ...jobFields,
  result: z.union([SIMULATION_RESULT, COMPARE_RESULT]).optional(),
});

export const PHYSICS_LIST = pageOf('twinTypes', z.string());
export const PHYSICS_MODEL = z.object({
  twinType: z.string(),
  modelVersion: z.number().int(),
  description: z.string(),
  states: z.array(z.string()),
  inputs: z.array(z.string()),
  outputs: z.array(z.string()),
  controls: z.array(z.object({ name: z.string(), label: z.string(), unit: z.string() })),
  defaultUncertainty: z
    .number()
    .describe("Relative standard uncertainty of the model file's defaults"),
  parameters: z.array(
    z.object({
      name: z.string(),
      property: z.string().optional(),
      unit: z.string(),
      description: z.string(),
      min: z.number().optional(),
      max: z.number().optional(),
      positive: z.boolean().optional(),
      reference: z.boolean().optional(),
      derived: z.boolean().optional(),
      declared: z.number().nullable().describe('The default the twin model file declares'),
    }),
  ),
});

/** POST /v1/simulations/ask (docs/ai.md, "Scenario from plain words"). */
export const ASK_BODY = z
  .object({
    twinId: subject.twinId,
    at: subject.at,
    ask: z
      .string()
      .min(1)
      .max(2000)
      .describe(
        'The what-if in plain words: "the coolant pump fails and the temperature rises 2 °C an hour"',
      ),
    baseline: z
      .boolean()
      .optional()
      .describe(
        'Compare with the twin left alone when the words ask for no mitigation (the answer is then a comparison)',
      ),
  })
  .strict()
  .meta({ id: 'SimulationAskRequest' });

const ASK_VIEW = z
  .object({
    text: z.string().describe('The words asked'),
    scenario: z
      .record(z.string(), z.unknown())
      .describe(
        'Exactly the body of POST /v1/simulations that ran, always with `at` (the start it ran from): POST it to rerun the same run, or edit it',
      ),
    mitigations: z
      .array(z.record(z.string(), z.unknown()))
      .describe(
        'Perturbations added for the mitigated side: with any, the run was POST /v1/simulations/compare with base = the scenario and alternative = the scenario + mitigations, labelled "… with mitigations"',
      ),
    assumptions: z.array(z.string()).describe('What the model assumed that the words did not say'),
    model: z.string().describe('The model that proposed the scenario'),
    promptVersion: z.string(),
    cached: z.boolean().describe('The proposal came from the cache of identical asks'),
  })
  .meta({ id: 'SimulationAsk' });

export const ASK_RESULT = z
  .union([SIMULATION_RESULT.extend({ ask: ASK_VIEW }), COMPARE_RESULT.extend({ ask: ASK_VIEW })])
  .meta({ id: 'SimulationAskResult' });
export const ASK_JOB = SIMULATION_JOB.extend({ ask: ASK_VIEW });
