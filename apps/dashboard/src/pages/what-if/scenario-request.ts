import type { PhysicsModel } from '../../api/simulation-types';
import {
  changeText,
  LIMITS,
  MAX_SEED,
  parseDuration,
  type Change,
  type Scenario,
} from './scenario';

/*
 * A scenario checked against the twin type's model (one problem per form field), and the
 * compare request the simulation service is sent. Pure: no DOM, no fetch.
 */

export interface Problem {
  /** The form field: `horizon`, `samples`, `p.0.amount`, ... (the form shows it there). */
  field: string;
  message: string;
}

/** What the request's perturbation body is for a change, or a problem with its amount. */
export function perturbationOf(
  c: Change,
  horizonSeconds: number,
): { body: Record<string, unknown> } | { problem: string } {
  const at = c.at.trim() ? parseDuration(c.at) : 0;
  if (at === undefined) return { problem: `"${c.at}" is not a time (seconds, 15m, 2h, 1h30m)` };
  const until = c.until.trim() ? parseDuration(c.until) : undefined;
  if (c.until.trim() && until === undefined)
    return { problem: `"${c.until}" is not a time (seconds, 15m, 2h, 1h30m)` };
  if (at >= horizonSeconds) return { problem: 'starts at or after the end of the run' };
  if (until !== undefined && (until <= at || until > horizonSeconds))
    return { problem: '"until" must be after "at" and within the run' };
  const body: Record<string, unknown> = { kind: c.kind, target: c.target, at };
  if (until !== undefined) body.until = until;
  const a = c.amount.trim();
  const num = (t: string) => (/^[+-]?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i.test(t) ? Number(t) : NaN);
  switch (c.kind) {
    case 'set':
      body.value = num(a);
      break;
    case 'step':
      if (a.endsWith('%')) body.percent = num(a.slice(0, -1));
      else if (/^[x×]/.test(a)) body.factor = num(a.slice(1));
      else body.by = num(a);
      break;
    case 'fail':
      body.remaining = !a ? 0 : a.endsWith('%') ? num(a.slice(0, -1)) / 100 : num(a);
      if (
        Number.isFinite(body.remaining) &&
        ((body.remaining as number) < 0 || (body.remaining as number) > 1)
      )
        return { problem: 'what remains must be between 0 and 100%' };
      break;
    case 'ramp':
      body.ratePerHour = num(a.replace(/\/h$/, ''));
      break;
  }
  const amount = Object.entries(body).find(([k]) =>
    ['value', 'percent', 'factor', 'by', 'remaining', 'ratePerHour'].includes(k),
  );
  if (!amount || !Number.isFinite(amount[1]) || Math.abs(amount[1] as number) > 1e12)
    return { problem: `"${a}" is not an amount for ${c.kind}` };
  if (c.kind === 'step' && 'factor' in body && (body.factor as number) < 0)
    return { problem: 'a factor must not be negative' };
  return { body };
}

/** Every problem of the scenario against the twin type's model, one per field. */
export function validateScenario(s: Scenario, model: PhysicsModel | undefined): Problem[] {
  const problems: Problem[] = [];
  const horizon = parseDuration(s.horizon);
  if (horizon === undefined || !(horizon > 0))
    problems.push({ field: 'horizon', message: 'The horizon must be a positive time, e.g. 24h.' });
  else if (horizon > LIMITS.maxHorizonSeconds)
    problems.push({ field: 'horizon', message: 'The horizon is at most 3,650 days.' });
  let points = LIMITS.defaultPoints;
  if (s.step.trim()) {
    const step = parseDuration(s.step);
    if (step === undefined || !(step > 0))
      problems.push({ field: 'step', message: 'The step must be a positive time, e.g. 1m.' });
    else if (horizon !== undefined && horizon / step > LIMITS.maxSteps)
      problems.push({
        field: 'step',
        message: `At most ${LIMITS.maxSteps.toLocaleString('en')} points: take a longer step.`,
      });
    else if (horizon !== undefined) points = Math.floor(horizon / step) + 1;
  }
  if (!Number.isInteger(s.samples) || s.samples < 0 || s.samples > LIMITS.maxSamples)
    problems.push({
      field: 'samples',
      message: `Samples: a whole number from 0 to ${LIMITS.maxSamples.toLocaleString('en')}.`,
    });
  else if (points * s.samples > LIMITS.maxWork)
    problems.push({
      field: 'samples',
      message: 'Too many points × samples: take fewer samples or a longer step.',
    });
  if (!Number.isInteger(s.seed) || s.seed < 0 || s.seed > MAX_SEED)
    problems.push({
      field: 'seed',
      message: 'The seed is a whole number from 0 to 4,294,967,295.',
    });
  if (s.perturbations.length + s.mitigations.length > LIMITS.maxChanges)
    problems.push({
      field: 'changes',
      message: `At most ${LIMITS.maxChanges} perturbations and mitigations together.`,
    });

  const lists = [
    ['p', s.perturbations],
    ['m', s.mitigations],
  ] as const;
  for (const [prefix, changes] of lists)
    changes.forEach((c, i) => {
      const field = `${prefix}.${i}`;
      if (model) {
        const param = model.parameters.find((p) => p.name === c.target);
        const known = model.states.includes(c.target) || model.inputs.includes(c.target) || param;
        if (model.outputs.includes(c.target)) {
          problems.push({
            field: `${field}.target`,
            message: `${c.target} is computed from the others and cannot be changed.`,
          });
          return;
        }
        if (!known) {
          problems.push({
            field: `${field}.target`,
            message: `${c.target || 'That'} is not a property or parameter of ${model.twinType}.`,
          });
          return;
        }
        if (c.kind === 'fail' && model.states.includes(c.target)) {
          problems.push({
            field: `${field}.kind`,
            message: `Only inputs and parameters fail; ${c.target} is a state.`,
          });
          return;
        }
        if (param && c.kind === 'set') {
          const v = Number(c.amount);
          if (
            (param.min !== undefined && v < param.min) ||
            (param.max !== undefined && v > param.max) ||
            (param.positive && !(v > 0))
          )
            problems.push({
              field: `${field}.amount`,
              message: `${c.target} must lie in ${rangeText(param)}.`,
            });
        }
      }
      if (horizon !== undefined && horizon > 0) {
        const made = perturbationOf(c, horizon);
        if ('problem' in made)
          problems.push({
            field: `${field}.amount`,
            message: `${changeText(c)}: ${made.problem}.`,
          });
      }
    });
  return problems;
}

function rangeText(p: { min?: number; max?: number; positive?: boolean }): string {
  const low = p.min ?? (p.positive ? '> 0' : '−∞');
  return `${low} to ${p.max ?? '∞'}`;
}

/**
 * The compare request: the baseline is the twin left alone when the scenario has no
 * mitigations (what the perturbations do), else the perturbations without the mitigations
 * (what the mitigations save).
 */
export function compareRequest(s: Scenario): Record<string, unknown> {
  const horizon = parseDuration(s.horizon) ?? 0;
  const bodies = (changes: Change[]) =>
    changes.map((c) => perturbationOf(c, horizon)).flatMap((m) => ('body' in m ? [m.body] : []));
  const common: Record<string, unknown> = { horizon };
  if (s.step.trim()) common.step = parseDuration(s.step);
  if (s.samples > 0) common.monteCarlo = { samples: s.samples, seed: s.seed };
  const mitigated = s.mitigations.length > 0;
  return {
    twinId: s.twin,
    base: {
      ...common,
      label: mitigated ? 'without mitigation' : 'baseline',
      perturbations: mitigated ? bodies(s.perturbations) : [],
    },
    alternative: {
      ...common,
      label: mitigated ? 'with mitigation' : 'scenario',
      perturbations: [...bodies(s.perturbations), ...bodies(s.mitigations)],
    },
  };
}
