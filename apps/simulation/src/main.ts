import { runServiceProcess } from '@twinlog/service-kit';
import { readSimulationConfig } from './config/simulation.config';
import { simulationService } from './simulation.app';

/** The simulation service as its own process. */
runServiceProcess('simulation', () => {
  // eslint-disable-next-line no-restricted-syntax -- main is where the environment enters
  const config = readSimulationConfig(process.env);
  return { definition: simulationService(config), settings: config.service };
});
