import { z } from 'zod';
import { AllowedHosts, intFrom, type Env, readServiceSettings } from '@twinlog/service-kit';

/** Every setting of the maintenance service, with its default and why. */
const schema = z.object({
  // Loopback: wider (0.0.0.0 in a container) only where the deployment says so.
  MAINTENANCE_HTTP_HOST: z.string().default('127.0.0.1'),
  MAINTENANCE_HTTP_PORT: intFrom(0, 8085),
  // Workers of one group share the telemetry partitions; a second deployment (a shadow with
  // new settings) takes a group of its own, and its own prediction ids would then collide: don't.
  MAINTENANCE_GROUP: z.string().min(1).default('maintenance'),
  // A twin gets at most one prediction per this much event time (sooner when a level enters a
  // worse band or maintenance reset it): a trend does not change between two readings.
  MAINTENANCE_CHECKPOINT_SECONDS: intFrom(1, 300),
  // Remaining lives past this are reported as this, flagged beyond the horizon.
  MAINTENANCE_HORIZON_HOURS: intFrom(1, 24 * 365),
  // Readings per batch: larger batches amortise the append of the predictions.
  MAINTENANCE_MAX_BATCH: intFrom(1, 2_000),
  // A reading can arrive before the broadcast feed delivered its twin's registration.
  MAINTENANCE_DIRECTORY_WAIT_MS: intFrom(0, 5_000),
  // The longest page of a twin's prediction history.
  MAINTENANCE_MAX_PAGE: intFrom(1, 1_000),
});

export type MaintenanceConfig = ReturnType<typeof readMaintenanceConfig>;

export function readMaintenanceConfig(env: Env) {
  const [service, raw] = readServiceSettings(env, schema);
  return {
    service,
    http: {
      host: raw.MAINTENANCE_HTTP_HOST,
      allowedHosts: AllowedHosts.of(service.allowedHosts, raw.MAINTENANCE_HTTP_HOST),
      port: raw.MAINTENANCE_HTTP_PORT,
    },
    group: raw.MAINTENANCE_GROUP,
    checkpointSeconds: raw.MAINTENANCE_CHECKPOINT_SECONDS,
    horizonHours: raw.MAINTENANCE_HORIZON_HOURS,
    maxBatch: raw.MAINTENANCE_MAX_BATCH,
    directoryWaitMs: raw.MAINTENANCE_DIRECTORY_WAIT_MS,
    maxPage: raw.MAINTENANCE_MAX_PAGE,
  };
}
