import { z } from 'zod';
import { AllowedHosts, intFrom, type Env, readServiceSettings } from '@twinlog/service-kit';

/** Settings of the all-in-one process; each service also reads its own (docs/services/*.md). */
const schema = z.object({
  // Loopback by default: a laptop demo should not be reachable from the network.
  TWINLOG_HTTP_HOST: z.string().default('127.0.0.1'),
  TWINLOG_HTTP_PORT: intFrom(0, 8080),
  // The bundled plant simulator feeds a sample plant so there is something to see at once.
  TWINLOG_SIMULATOR: z.enum(['on', 'off']).default('on'),
  TWINLOG_SIMULATOR_MACHINES: intFrom(1, 3),
  // Plant seconds per wall second: 10 shows the demo faults within a few minutes.
  TWINLOG_SIMULATOR_SPEED: intFrom(1, 10),
  TWINLOG_SIMULATOR_SEED: intFrom(0, 42),
});

export type AllInOneConfig = ReturnType<typeof readAllInOneConfig>;

export function readAllInOneConfig(env: Env) {
  const [service, raw] = readServiceSettings(env, schema);
  return {
    service,
    http: {
      host: raw.TWINLOG_HTTP_HOST,
      port: raw.TWINLOG_HTTP_PORT,
      allowedHosts: AllowedHosts.of(service.allowedHosts, raw.TWINLOG_HTTP_HOST),
    },
    simulator:
      raw.TWINLOG_SIMULATOR === 'on'
        ? {
            machines: raw.TWINLOG_SIMULATOR_MACHINES,
            speed: raw.TWINLOG_SIMULATOR_SPEED,
            seed: raw.TWINLOG_SIMULATOR_SEED,
          }
        : undefined,
  };
}
