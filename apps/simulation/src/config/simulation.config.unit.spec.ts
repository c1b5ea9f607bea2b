import { loadModelCatalog, SEED_MODELS_DIR } from '@twinlog/model-files';
import { declaredParameters, physicsModelFor, simulatedTwinTypes } from '@twinlog/physics';
import { ConfigError } from '@twinlog/service-kit';
import { readSimulationConfig } from './simulation.config';

describe('simulation configuration and models', () => {
  it('has a default for every setting and names each bad one', () => {
    const config = readSimulationConfig({});
    expect(config.http.port).toBe(8084);
    expect(config.limits).toMatchObject({
      maxHorizonSeconds: 3650 * 86_400,
      maxSteps: 100_000,
      defaultCalibrationWindowSeconds: 21_600,
    });
    expect(config.pool).toMatchObject({ maxQueued: 16, deadlineMs: 120_000 });
    expect(config.pool.workers).toBeGreaterThanOrEqual(1);
    expect(config.maxIntegratorSteps).toBe(20_000_000);
    expect(
      readSimulationConfig({ SIMULATION_WORKERS: '3', SIMULATION_MAX_HORIZON_S: '86400' }),
    ).toMatchObject({ pool: { workers: 3 }, limits: { maxHorizonSeconds: 86_400 } });
    expect(() =>
      readSimulationConfig({ SIMULATION_MAX_STEPS: '0', SIMULATION_WORKERS: 'many' }),
    ).toThrow(ConfigError);
    try {
      readSimulationConfig({ SIMULATION_MAX_STEPS: '0', SIMULATION_WORKERS: 'many' });
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
