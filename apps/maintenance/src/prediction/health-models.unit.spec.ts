import { initialTwinState, type TwinState } from '@twinlog/domain';
import { loadModelCatalog, SEED_MODELS_DIR } from '@twinlog/model-files';
import { HealthModels } from './health-models';

const catalog = loadModelCatalog(SEED_MODELS_DIR);

function registered(twinId: string, twinType: string, level: TwinState['level']): TwinState {
  const model = catalog.get(twinType, 1);
  const limits = Object.fromEntries(
    Object.entries(model.properties).map(([property, spec]) => [property, spec.limits]),
  );
  return {
    ...initialTwinState(twinId),
    status: 'active',
    twinType,
    modelVersion: 1,
    level,
    limits,
  };
}

describe('HealthModels', () => {
  const models = new HealthModels(catalog, { checkpointSeconds: 60, horizonHours: 8760 });

  it('gives a process twin (machining-1) no health model, so no MaintenancePredicted', () => {
    const process = registered('machining-1', 'machining-process', 'process');
    expect(models.modelFor(process, 0, [])).toBeUndefined();
    expect(models.get('machining-1')).toBeUndefined();
  });

  it('still judges a machine', () => {
    const machine = registered('cnc-01', 'cnc-milling-machine', 'asset');
    expect(models.modelFor(machine, 0, [])).toBeDefined();
  });
});
