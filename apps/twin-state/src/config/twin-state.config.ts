import { z } from 'zod';
import { AllowedHosts, intFrom, type Env, readServiceSettings } from '@twinlog/service-kit';

/** Every setting of the twin-state service, with its default and why. */
const schema = z.object({
  // Loopback: wider (0.0.0.0 in a container) only where the deployment says so.
  TWIN_STATE_HTTP_HOST: z.string().default('127.0.0.1'),
  TWIN_STATE_HTTP_PORT: intFrom(0, 8082),
  // Snapshots bound the start-up replay: taken after this many events or this long, whichever first.
  TWIN_STATE_SNAPSHOT_EVERY_EVENTS: intFrom(1, 50_000),
  TWIN_STATE_SNAPSHOT_INTERVAL_MS: intFrom(1_000, 60_000),
  // Plant clocks drift: maintenance or commissioning times up to this far ahead are believed.
  TWIN_STATE_MAX_FUTURE_SKEW_MS: intFrom(0, 5 * 60_000),
  // The largest page of an audit trail.
  TWIN_STATE_MAX_PAGE: intFrom(1, 1_000),
});

export type TwinStateConfig = ReturnType<typeof readTwinStateConfig>;

export function readTwinStateConfig(env: Env) {
  const [service, raw] = readServiceSettings(env, schema);
  return {
    service,
    http: {
      host: raw.TWIN_STATE_HTTP_HOST,
      allowedHosts: AllowedHosts.of(service.allowedHosts, raw.TWIN_STATE_HTTP_HOST),
      port: raw.TWIN_STATE_HTTP_PORT,
    },
    snapshots: {
      everyEvents: raw.TWIN_STATE_SNAPSHOT_EVERY_EVENTS,
      intervalMs: raw.TWIN_STATE_SNAPSHOT_INTERVAL_MS,
    },
    maxFutureSkewMs: raw.TWIN_STATE_MAX_FUTURE_SKEW_MS,
    maxPage: raw.TWIN_STATE_MAX_PAGE,
  };
}
