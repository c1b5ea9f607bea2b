import { runServiceProcess } from '@twinlog/service-kit';
import { readTwinStateConfig } from './config/twin-state.config';
import { twinStateService } from './twin-state.app';

/** The twin-state service as its own process. */
runServiceProcess('twin-state', () => {
  // eslint-disable-next-line no-restricted-syntax -- main is where the environment enters
  const config = readTwinStateConfig(process.env);
  return { definition: twinStateService(config), settings: config.service };
});
