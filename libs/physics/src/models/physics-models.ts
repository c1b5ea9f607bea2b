import { ownValue, TwinlogError } from '@twinlog/domain';
import type { PhysicsModel } from '../model/physics-model';
import { cncMillingMachine } from './cnc/cnc-milling-machine.model';

/** The twin types Twinlog can simulate, each with its model (its numbers come from the model file). */
const MODELS: Record<string, () => PhysicsModel> = {
  'cnc-milling-machine': cncMillingMachine,
};

export function simulatedTwinTypes(): string[] {
  return Object.keys(MODELS).sort();
}

/** A fresh model of the twin type (models keep small caches: one per run, never shared). */
export function physicsModelFor(twinType: string): PhysicsModel {
  const make = ownValue(MODELS, twinType);
  if (!make) {
    throw new TwinlogError(
      'PHYSICS_MODEL_MISSING',
      `Twin type ${twinType} has no physics model to simulate (models exist for: ${simulatedTwinTypes().join(', ')})`,
      { twinType },
    );
  }
  return make();
}
