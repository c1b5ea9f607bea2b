import type { Limits, TwinModel } from '../model/twin-model.schema';

/** Every property's limits as the model gives them: a new twin's, or one whose model changed. */
export function modelLimits(model: TwinModel): Record<string, Limits> {
  return Object.fromEntries(
    Object.entries(model.properties).map(([name, spec]) => [name, spec.limits]),
  );
}
