import { z } from 'zod';
import {
  AllowedHosts,
  collectProblems,
  intFrom,
  parseEnv,
  readAllowedHostNames,
  readHttpTimeouts,
  type Env,
} from '@twinlog/service-kit';
import type { ServiceName } from './routes';

// No defaults: a gateway that guessed where a service is would answer 502 for it at run time,
// far from the missing setting that caused it.
const upstream = (service: ServiceName, example: string) =>
  z
    .string({ error: `required: the base URL of the ${service} service, e.g. ${example}` })
    .url({ error: `not a URL: the base URL of the ${service} service, e.g. ${example}` });

/** Settings of the standalone gateway (the one public port in the distributed mode). */
const schema = z.object({
  // Loopback: a container or pod, reached through the network, sets 0.0.0.0 (and the names it
  // is reached by in TWINLOG_ALLOWED_HOSTS).
  GATEWAY_HTTP_HOST: z.string().default('127.0.0.1'),
  GATEWAY_HTTP_PORT: intFrom(0, 8080),
  TWINLOG_INGESTION_URL: upstream('ingestion', 'http://ingestion:8081'),
  TWINLOG_TWIN_STATE_URL: upstream('twin-state', 'http://twin-state:8082'),
  TWINLOG_ANOMALY_URL: upstream('anomaly', 'http://anomaly:8083'),
  TWINLOG_SIMULATION_URL: upstream('simulation', 'http://simulation:8084'),
  TWINLOG_MAINTENANCE_URL: upstream('maintenance', 'http://maintenance:8085'),
  TWINLOG_ALERTING_URL: upstream('alerting', 'http://alerting:8086'),
});

export type GatewayConfig = ReturnType<typeof readGatewayConfig>;

export function readGatewayConfig(env: Env) {
  const [raw, [timeouts, allowedHostNames]] = collectProblems(
    () => parseEnv(schema, env),
    () =>
      collectProblems(
        () => readHttpTimeouts(env),
        () => readAllowedHostNames(env),
      ),
  );
  return {
    http: {
      host: raw.GATEWAY_HTTP_HOST,
      port: raw.GATEWAY_HTTP_PORT,
      timeouts,
      allowedHosts: AllowedHosts.of(allowedHostNames, raw.GATEWAY_HTTP_HOST),
    },
    upstreams: {
      ingestion: raw.TWINLOG_INGESTION_URL,
      'twin-state': raw.TWINLOG_TWIN_STATE_URL,
      anomaly: raw.TWINLOG_ANOMALY_URL,
      simulation: raw.TWINLOG_SIMULATION_URL,
      maintenance: raw.TWINLOG_MAINTENANCE_URL,
      alerting: raw.TWINLOG_ALERTING_URL,
    } satisfies Record<ServiceName, string>,
  };
}
