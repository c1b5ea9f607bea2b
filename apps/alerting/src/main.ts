import { runServiceProcess } from '@twinlog/service-kit';
import { alertingService } from './alerting.app';
import { readAlertingConfig } from './config/alerting.config';

/** The alerting service as its own process (one replica: it is the single writer of alerts). */
runServiceProcess('alerting', () => {
  // eslint-disable-next-line no-restricted-syntax -- main is where the environment enters
  const config = readAlertingConfig(process.env);
  return {
    definition: alertingService(config),
    settings: config.service,
    note: `group ${config.groups.causes}`,
  };
});
