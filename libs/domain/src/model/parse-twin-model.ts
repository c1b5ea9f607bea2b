import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { limitOrderProblems } from './limits-order';
import { modelInvalid, type ModelProblem } from './model-problems';
import { limitsOutsideRange, physicalRangeOf, physicalRangeProblems } from './physical-range';
import { twinModelSchema, type TwinModel } from './twin-model.schema';

/**
 * Parses one twin model document (YAML or JSON text) and validates it. `source` names the file
 * in every error, so a person can go straight to the line at fault.
 */
export function parseTwinModel(text: string, source: string): TwinModel {
  let raw: unknown;
  try {
    raw = source.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw modelInvalid([
      {
        source,
        path: '',
        message: `not valid ${source.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
      },
    ]);
  }
  const result = twinModelSchema.safeParse(raw);
  if (!result.success) throw modelInvalid(zodProblems(result.error, source));
  const model = result.data;
  const problems = Object.entries(model.properties).flatMap(([property, spec]) => {
    const at = (where: string) => (p: { path: string; message: string }) => ({
      source,
      path: `properties.${property}.${where}.${p.path}`,
      message: p.message,
    });
    const rangeProblems = physicalRangeProblems(spec).map(at('physicalRange'));
    return [
      ...rangeProblems,
      ...limitOrderProblems(spec.limits).map(at('limits')),
      ...(rangeProblems.length > 0
        ? []
        : limitsOutsideRange(spec.limits, physicalRangeOf(spec)).map(at('limits'))),
    ];
  });
  if (problems.length > 0) throw modelInvalid(problems);
  return model;
}

export function zodProblems(error: z.ZodError, source: string): ModelProblem[] {
  return error.issues.map((issue) => ({
    source,
    path: issue.path.join('.'),
    message: issue.message,
  }));
}
