import { PERTURBATION_KINDS, type AskedBodies } from '@twinlog/domain';
import { z } from 'zod';

/**
 * What the model answers a what-if asked in plain words (docs/ai.md, "Scenario from plain
 * words"): a scenario in the simulator's own terms, or why the twin's model cannot simulate it.
 * Strict structured outputs want every field present, so the optional ones are nullable; the
 * answer then becomes exactly a POST /v1/simulations body (runBodyOf).
 */
export const ASK_PROMPT_VERSION = 'scenario-ask/1';
export const ASK_TASK_NAME = 'simulation-scenario';

const seconds = (what: string) => z.number().describe(`${what}, in seconds`);
const amount = (what: string) => z.number().nullable().describe(`${what}; null when not this kind`);

const PERTURBATION = z.object({
  kind: z.enum(PERTURBATION_KINDS),
  target: z.string().max(100).describe('a state, input or parameter of the model, by its name'),
  at: seconds('when the change starts after the start of the run'),
  until: seconds('when it ends (null: at the end of the run)').nullable(),
  value: amount('set: the value held'),
  by: amount('step: the absolute change (or use factor)'),
  factor: amount('step: the relative change, 1.2 for +20% (or use by)'),
  remaining: amount('fail: the fraction left, 0 to 1 (0: fails completely)'),
  ratePerHour: amount('ramp: the change per hour'),
});

export const ASK_ANSWER = z.object({
  kind: z.enum(['scenario', 'cannot-simulate']),
  scenario: z
    .object({
      label: z.string().max(200).describe('a short name for the scenario'),
      horizon: seconds('how far ahead the run looks'),
      step: seconds('the output step (null: the default)').nullable(),
      perturbations: z.array(PERTURBATION).max(20).describe('what happens to the twin'),
      mitigations: z
        .array(PERTURBATION)
        .max(20)
        .describe('what the operator does about it (empty when the words ask for nothing)'),
      monteCarlo: z
        .object({ samples: z.number().int(), seed: z.number().int() })
        .nullable()
        .describe('uncertainty sampling when the words ask for it (null: none)'),
    })
    .nullable()
    .describe('when kind is scenario; null otherwise'),
  assumptions: z
    .array(z.string().max(300))
    .max(10)
    .describe('what you assumed that the words did not say'),
  reason: z.string().max(1000).nullable().describe('when kind is cannot-simulate: why'),
  unsupported: z
    .array(z.string().max(200))
    .max(10)
    .describe(
      'when kind is cannot-simulate: the parts of the words the model has no way to represent',
    ),
});
export type AskAnswerValue = z.infer<typeof ASK_ANSWER>;
type AskedPerturbation = z.infer<typeof PERTURBATION>;

export const ASK_INSTRUCTIONS = [
  'Turn the operator question in the data block (field "ask") into a what-if scenario for the',
  'twin\'s physics model described in the data block (field "physics"), or say it cannot be simulated.',
  'Use only the states, inputs and parameters listed there, each by its exact name, and only the',
  'perturbation kinds listed (set, step, fail, ramp) with the amount fields that kind takes;',
  'keep magnitudes within the ranges and bounds given, and the horizon, step and samples within',
  '"runLimits". Times are seconds from the start of the run. Outputs cannot be changed directly.',
  'Things the operator does to counter the problem go in mitigations; what happens to the twin',
  'goes in perturbations. Ask for Monte Carlo samples only when the words ask about uncertainty',
  'or likelihood. Put every assumption you make (a horizon the words did not give, a magnitude',
  'you chose) in assumptions. If the words ask for something the model has no way to represent,',
  'answer kind "cannot-simulate" with the reason and the unsupported parts; never guess.',
].join(' ');

/** A perturbation as the simulation service takes it: the nulls left out. */
function perturbationBody(p: AskedPerturbation): Record<string, unknown> {
  const body: Record<string, unknown> = { kind: p.kind, target: p.target, at: p.at };
  for (const key of ['until', 'value', 'by', 'factor', 'remaining', 'ratePerHour'] as const) {
    const v = p[key];
    if (v !== null) body[key] = v;
  }
  return body;
}

/** What the structured answer must hold besides its schema: the fields its kind needs. */
export function shapeProblems(answer: AskAnswerValue): string[] {
  if (answer.kind === 'scenario' && answer.scenario === null)
    return ['scenario: required when kind is "scenario"'];
  if (answer.kind === 'cannot-simulate' && !answer.reason?.trim())
    return ['reason: required when kind is "cannot-simulate"'];
  return [];
}

/** Exactly a POST /v1/simulations body (twinId, the resolved start `at`, the scenario) and the mitigations. */
export type AskedScenario = AskedBodies;

/**
 * The answer's scenario as the bodies the simulation routes take. `at` is the start the run
 * resolved (now, when the ask gave none): POSTed back, the body runs from the same instant.
 */
export function runBodyOf(
  twinId: string,
  at: string,
  asked: NonNullable<AskAnswerValue['scenario']>,
): AskedScenario {
  const scenario: Record<string, unknown> = {
    twinId,
    at,
    label: asked.label,
    horizon: asked.horizon,
    ...(asked.step === null ? {} : { step: asked.step }),
    perturbations: asked.perturbations.map(perturbationBody),
    ...(asked.monteCarlo === null ? {} : { monteCarlo: { ...asked.monteCarlo } }),
  };
  return { scenario, mitigations: asked.mitigations.map(perturbationBody) };
}
