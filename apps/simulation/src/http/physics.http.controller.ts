import { Controller, Get, Inject, Param } from '@nestjs/common';
import type { ModelCatalog } from '@twinlog/domain';
import { declaredParameters, physicsModelFor, simulatedTwinTypes } from '@twinlog/physics';
import { MODEL_CATALOG } from '@twinlog/service-kit';

/** What can be simulated, and each model's variables and declared parameters. */
@Controller('v1/physics')
export class PhysicsHttpController {
  constructor(@Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog) {}

  @Get()
  list() {
    return { twinTypes: simulatedTwinTypes().filter((t) => this.catalog.has(t)) };
  }

  @Get(':twinType')
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
