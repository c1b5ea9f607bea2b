import { PERTURBATION_KINDS, SIMULATION_LIMIT_DEFAULTS, type TwinModel } from '@twinlog/domain';
import type { PhysicsModel, ScenarioLimits } from '@twinlog/physics';

/** What each perturbation kind does and the amount field it takes (libs/physics scenario.ts). */
const KINDS: Record<(typeof PERTURBATION_KINDS)[number], string> = {
  set: 'hold the target at "value" from "at" (until "until")',
  step: 'change the target by "by" (absolute) or by "factor" (1.2 = +20%) at "at"',
  fail: 'inputs and parameters only: leave "remaining" (0 to 1) of it from "at" (until "until")',
  ramp: 'change the target at "ratePerHour" from "at"; on a state it adds a drift to its own dynamics',
};

/**
 * The twin type's physics as the model is told it: what may be changed (states, inputs,
 * parameters with their units, ranges, bounds and declared values), what cannot (outputs), the
 * perturbation kinds and the run's limits. Twinlog's own description of its model, plus the
 * twin's limits (plant data: quoted in the data block with the rest).
 */
export function physicsBrief(
  physics: PhysicsModel,
  twinModel: TwinModel,
  limits: ScenarioLimits,
  declared: Record<string, number>,
  twinLimits: unknown,
) {
  const property = (name: string) => {
    const spec = Object.hasOwn(twinModel.properties, name) ? twinModel.properties[name] : undefined;
    const range = Object.hasOwn(physics.ranges, name) ? physics.ranges[name] : undefined;
    return {
      name,
      unit: spec?.unit ?? null,
      description: spec?.description ?? null,
      range: range ?? null,
    };
  };
  return {
    twinType: physics.twinType,
    description: physics.description,
    states: physics.states.map(property),
    inputs: physics.inputs.map(property),
    outputs: physics.outputs.map(property),
    parameters: physics.parameters
      .filter((p) => !p.derived)
      .map((p) => ({
        name: p.name,
        unit: p.unit,
        description: p.description,
        min: p.min ?? (p.positive ? 'greater than 0' : null),
        max: p.max ?? null,
        declared: Object.hasOwn(declared, p.name) ? declared[p.name] : null,
      })),
    perturbationKinds: KINDS,
    limitsOfTheTwin: twinLimits,
    runLimits: {
      maxHorizonSeconds: limits.maxHorizonSeconds,
      maxSteps: limits.maxSteps,
      maxSamples: limits.maxSamples,
      maxPointsTimesSamples: limits.maxWork,
      maxPerturbationsAndMitigations: SIMULATION_LIMIT_DEFAULTS.maxPerturbations,
      defaultStepsPerRun: SIMULATION_LIMIT_DEFAULTS.defaultStepsPerHorizon,
    },
  };
}
