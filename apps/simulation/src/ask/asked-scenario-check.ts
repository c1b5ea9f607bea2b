import { isTwinlogError, scenarioPart, withMitigations } from '@twinlog/domain';
import {
  boundProblem,
  checkAgainstModel,
  parseScenario,
  type PhysicsModel,
  type Scenario,
  type ScenarioLimits,
} from '@twinlog/physics';
import type { AskedScenario } from './scenario-answer';

/** A step by a factor beyond this is far outside the operating point a model is calibrated near. */
export const MAX_ASKED_FACTOR = 10;

/**
 * Every problem of an asked scenario, as POST /v1/simulations and /compare would find them
 * (the same parseScenario and checkAgainstModel), plus the ask's guard that each magnitude
 * keeps its target within the model's bounds. Empty: it can run.
 */
export function askedScenarioProblems(
  asked: AskedScenario,
  model: PhysicsModel,
  limits: ScenarioLimits,
  declared: Record<string, number>,
): string[] {
  const sides: Array<[string, Record<string, unknown>]> = [['', scenarioPart(asked.scenario)]];
  if (asked.mitigations.length > 0)
    sides.push([
      'with mitigations: ',
      withMitigations(scenarioPart(asked.scenario), asked.mitigations),
    ]);
  const problems: string[] = [];
  for (const [prefix, input] of sides) {
    const found = validatorProblems(input, model, limits, declared);
    problems.push(...found.map((p) => `${prefix}${p}`));
  }
  return [...new Set(problems)];
}

function validatorProblems(
  input: Record<string, unknown>,
  model: PhysicsModel,
  limits: ScenarioLimits,
  declared: Record<string, number>,
): string[] {
  try {
    const scenario = parseScenario(input, limits);
    checkAgainstModel(scenario, model);
    return boundsProblems(scenario, model, declared);
  } catch (error) {
    if (isTwinlogError(error, 'SCENARIO_INVALID')) return error.details['problems'] as string[];
    throw error;
  }
}

/** The ask's guard: where each change would take its target, against the model's bounds. */
export function boundsProblems(
  scenario: Scenario,
  model: PhysicsModel,
  declared: Record<string, number>,
): string[] {
  const problems: string[] = [];
  const specs = new Map(model.parameters.map((p) => [p.name, p]));
  scenario.perturbations.forEach((p, i) => {
    const path = `perturbations.${i}`;
    if (p.kind === 'step' && p.factor !== undefined && p.factor > MAX_ASKED_FACTOR)
      problems.push(
        `${path}.factor: ${p.factor} is more than a ${MAX_ASKED_FACTOR}-fold change of ${p.target}`,
      );
    const hours = ((p.until ?? scenario.horizonSeconds) - p.at) / 3600;
    if (p.kind === 'ramp' && p.ratePerHour !== undefined) {
      const range = Object.hasOwn(model.ranges, p.target) ? model.ranges[p.target] : undefined;
      const drift = Math.abs(p.ratePerHour * hours);
      if (range && drift > range.max - range.min)
        problems.push(
          `${path}.ratePerHour: ${p.ratePerHour} per hour for ${round(hours)} h drifts ${p.target} by ${round(drift)}, more than its whole physical range (${range.min} to ${range.max})`,
        );
    }
    const spec = specs.get(p.target);
    const start = Object.hasOwn(declared, p.target) ? declared[p.target] : undefined;
    if (!spec || start === undefined) return;
    const reached =
      p.kind === 'step'
        ? p.by !== undefined
          ? start + p.by
          : start * (p.factor ?? 1)
        : p.kind === 'ramp'
          ? start + (p.ratePerHour ?? 0) * hours
          : undefined;
    if (reached === undefined) return;
    const problem = boundProblem(spec, reached);
    if (problem)
      problems.push(
        `${path}: takes ${p.target} from its declared ${start} to ${round(reached)}, which ${problem}`,
      );
  });
  return problems;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
