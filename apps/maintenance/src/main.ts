import { runServiceProcess } from '@twinlog/service-kit';
import { readMaintenanceConfig } from './config/maintenance.config';
import { maintenanceService } from './maintenance.app';

/** A maintenance worker as its own process. */
runServiceProcess('maintenance', () => {
  // eslint-disable-next-line no-restricted-syntax -- main is where the environment enters
  const config = readMaintenanceConfig(process.env);
  return {
    definition: maintenanceService(config),
    settings: config.service,
    note: `group ${config.group}`,
  };
});
