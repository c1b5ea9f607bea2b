import { TwinlogError } from '../errors';

/** One thing wrong with a twin model document: which file, where in it, and what. */
export interface ModelProblem {
  source: string;
  path: string;
  message: string;
}

/** The one error for invalid models, listing every problem found (the parser's and the catalogue's). */
export function modelInvalid(problems: ModelProblem[]): TwinlogError {
  const lines = problems.map((p) => `${p.source}: ${p.path || '(document)'}: ${p.message}`);
  return new TwinlogError('MODEL_INVALID', `Invalid twin model:\n  ${lines.join('\n  ')}`, {
    problems,
  });
}
