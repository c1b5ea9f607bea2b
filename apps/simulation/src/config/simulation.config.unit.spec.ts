import { loadModelCatalog, SEED_MODELS_DIR } from '@twinlog/model-files';
import { declaredParameters, physicsModelFor, simulatedTwinTypes } from '@twinlog/physics';
import { ConfigError } from '@twinlog/service-kit';
import { readSimulationConfig } from './simulation.config';

describe('simulation configuration and models', () => {
  it('has a default for every setting and names each bad one', () => {
    const config = readSimulationConfig({});
    expect(config.http.port).toBe(8084);
    expect(config.limits).toMatchObject({
      maxSteps: 100_000,
      defaultCalibrationWindowSeconds: 21_600,
    });
    expect(() =>
      readSimulationConfig({ SIMULATION_MAX_STEPS: '0', SIMULATION_SLICE_MS: 'soon' }),
    ).toThrow(ConfigError);
    try {
      readSimulationConfig({ SIMULATION_MAX_STEPS: '0', SIMULATION_SLICE_MS: 'soon' });
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(2);
    }
  });

  it('finds every parameter of each physics model in the seed model files, in range', () => {
    const catalog = loadModelCatalog(SEED_MODELS_DIR);
    for (const type of simulatedTwinTypes()) {
      const model = physicsModelFor(type);
      const declared = declaredParameters(catalog.get(type), model.parameters);
      const needed = model.parameters.filter((p) => !p.derived).map((p) => p.name);
      expect(Object.keys(declared.values).sort()).toEqual(needed.sort());
      expect(declared.defaultUncertainty).toBe(0.1);
    }
  });
});
