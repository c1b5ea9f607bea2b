import { runServiceProcess } from '@twinlog/service-kit';
import { anomalyService } from './anomaly.app';
import { readAnomalyConfig } from './config/anomaly.config';

/** An anomaly worker as its own process; run as many as there are telemetry partitions. */
runServiceProcess('anomaly', () => {
  // eslint-disable-next-line no-restricted-syntax -- main is where the environment enters
  const config = readAnomalyConfig(process.env);
  return {
    definition: anomalyService(config),
    settings: config.service,
    note: `group ${config.group}`,
  };
});
