import { boundProblem } from '../model/declared-parameters';
import { rangeProblem, type PhysicsModel } from '../model/physics-model';
import { scenarioInvalid, type Scenario } from './scenario';

/**
 * What each perturbation may target: the model's states (integrated properties), inputs (the
 * operating point) and parameters. Outputs are computed from those, so changing one directly
 * has no meaning: the error says what drives it instead.
 */
export function checkAgainstModel(scenario: Scenario, model: PhysicsModel): void {
  const problems: string[] = [];
  const parameters = new Map(model.parameters.map((p) => [p.name, p]));
  scenario.perturbations.forEach((p, i) => {
    const path = `perturbations.${i}`;
    const isState = model.states.includes(p.target);
    const isInput = model.inputs.includes(p.target);
    const spec = parameters.get(p.target);
    if (model.outputs.includes(p.target)) {
      problems.push(
        `${path}.target: ${p.target} is computed by the ${model.twinType} model from ${[...model.inputs, ...model.states].join(', ')} and its parameters; perturb one of those instead`,
      );
      return;
    }
    if (!isState && !isInput && !spec) {
      const known = [...model.states, ...model.inputs, ...model.parameters.map((q) => q.name)];
      problems.push(
        `${path}.target: unknown property or parameter "${p.target}" of ${model.twinType} (known: ${known.join(', ')})`,
      );
      return;
    }
    if (isState && p.kind === 'fail') {
      problems.push(
        `${path}: ${p.target} is a state of the model; fail applies to inputs and parameters (use set or step)`,
      );
    }
    if (isState && p.until !== undefined && p.kind !== 'ramp') {
      problems.push(
        `${path}.until: a ${p.kind} of the state ${p.target} is a jump and cannot be undone; until applies to ramps`,
      );
    }
    if (spec && p.kind === 'set' && p.value !== undefined) {
      const problem = boundProblem(spec, p.value);
      if (problem) problems.push(`${path}.value: ${p.target} ${problem}`);
    }
    if ((isInput || isState) && p.kind === 'set' && p.value !== undefined) {
      const problem = rangeProblem(model, p.target, p.value);
      if (problem) problems.push(`${path}.value: ${p.target} ${p.value} ${problem}`);
    }
    const span = spanOf(model, p.target);
    const change = p.kind === 'step' ? p.by : p.kind === 'ramp' ? p.ratePerHour : undefined;
    if (change !== undefined && span !== null && Math.abs(change) > span) {
      const field = p.kind === 'step' ? 'by' : 'ratePerHour';
      problems.push(
        `${path}.${field}: ${change} is more than the whole physical range of ${p.target} (${span})${p.kind === 'ramp' ? ' per hour' : ''}`,
      );
    }
  });
  if (problems.length > 0) throw scenarioInvalid(problems);
}

/** The width of a state's or input's physical range, or null when it has none. */
function spanOf(model: PhysicsModel, property: string): number | null {
  const range = Object.hasOwn(model.ranges, property) ? model.ranges[property] : undefined;
  return range ? range.max - range.min : null;
}
