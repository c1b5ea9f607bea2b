import { TwinlogError, type TwinModel } from '@twinlog/domain';
import type { ParameterSpec } from './physics-model';

/** Relative standard uncertainty of a declared default when the model file does not say. */
export const FALLBACK_DEFAULT_UNCERTAINTY = 0.1;

export interface DeclaredParameters {
  values: Record<string, number>;
  /** Relative standard uncertainty the model file gives its defaults (`default_uncertainty`). */
  defaultUncertainty: number;
}

/**
 * The defaults a twin model file declares for a physics model's parameters: each from the
 * `physics:` block of its property or of the twin type. A missing or out-of-range value is a
 * model file error (MODEL_INVALID), named by its path in the file.
 */
export function declaredParameters(
  twinModel: TwinModel,
  specs: readonly ParameterSpec[],
): DeclaredParameters {
  const values: Record<string, number> = {};
  const problems: string[] = [];
  for (const spec of specs) {
    if (spec.derived) continue;
    const block = spec.property ? twinModel.properties[spec.property]?.physics : twinModel.physics;
    const path = spec.property
      ? `properties.${spec.property}.physics.${spec.name}`
      : `physics.${spec.name}`;
    const value = block?.[spec.name];
    if (value === undefined) {
      problems.push(`${path} is missing (${spec.description}, ${spec.unit})`);
      continue;
    }
    const outOfRange = boundProblem(spec, value);
    if (outOfRange) problems.push(`${path} = ${value}: ${outOfRange}`);
    values[spec.name] = value;
  }
  const uncertainty = twinModel.physics?.['default_uncertainty'] ?? FALLBACK_DEFAULT_UNCERTAINTY;
  if (!(uncertainty >= 0 && uncertainty <= 1)) {
    problems.push(`physics.default_uncertainty = ${uncertainty}: must be from 0 to 1`);
  }
  if (problems.length > 0) {
    throw new TwinlogError(
      'MODEL_INVALID',
      `The ${twinModel.type}@${twinModel.version} model's physics parameters are invalid: ${problems.join('; ')}`,
      { problems },
    );
  }
  return { values, defaultUncertainty: uncertainty };
}

/** Why `value` is outside the parameter's physical range, or null when it is inside. */
export function boundProblem(spec: ParameterSpec, value: number): string | null {
  if (!Number.isFinite(value)) return 'must be a finite number';
  if (spec.positive && !(value > 0)) return 'must be greater than 0';
  if (spec.min !== undefined && value < spec.min) return `must be at least ${spec.min}`;
  if (spec.max !== undefined && value > spec.max) return `must be at most ${spec.max}`;
  return null;
}
