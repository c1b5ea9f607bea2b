import { Controller, Get, Inject, Param } from '@nestjs/common';
import type { ModelCatalog } from '@twinlog/domain';
import { declaredParameters, physicsModelFor, simulatedTwinTypes } from '@twinlog/physics';
import { Describe, MODEL_CATALOG } from '@twinlog/service-kit';
import { PHYSICS_LIST, PHYSICS_MODEL } from './simulation-answers';

/** What can be simulated, and each model's variables and declared parameters. */
@Controller('v1/physics')
export class PhysicsHttpController {
  constructor(@Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog) {}

  @Get()
  @Describe({ summary: 'The twin types that can be simulated', response: PHYSICS_LIST })
  list() {
    return { twinTypes: simulatedTwinTypes().filter((t) => this.catalog.has(t)) };
  }

  @Get(':twinType')
  @Describe({
    summary: "A twin type's physics model: variables, controls and parameters",
    response: PHYSICS_MODEL,
    errors: { 422: 'PHYSICS_MODEL_MISSING: no physics model for the type; MODEL_UNKNOWN' },
  })
  describe(@Param('twinType') twinType: string) {
    const model = physicsModelFor(twinType);
    const twinModel = this.catalog.get(twinType);
    const declared = declaredParameters(twinModel, model.parameters);
    return {
      twinType,
      modelVersion: twinModel.version,
      description: model.description,
      states: model.states,
      inputs: model.inputs,
      outputs: model.outputs,
      controls: model.controls,
      defaultUncertainty: declared.defaultUncertainty,
      parameters: model.parameters.map((p) => ({
        ...p,
        declared: declared.values[p.name] ?? null,
      })),
    };
  }
}
