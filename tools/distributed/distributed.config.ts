import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { SEED_MODELS_DIR } from '@twinlog/model-files';
import {
  AllowedHosts,
  collectProblems,
  intFrom,
  parseEnv,
  readAllowedHostNames,
  type Env,
} from '@twinlog/service-kit';

/**
 * Settings of `npm run start:distributed` itself. The services it starts read their own
 * (docs/services/*.md) from the same environment, which it passes on to them.
 */
const schema = z.object({
  // The gateway's port; the services take the seven ports after it, and twin-state's extra
  // replicas the ones after those (tools/distributed/topology.ts).
  TWINLOG_HTTP_PORT: intFrom(1, 8080, 65_535 - 20),
  // Apart from the embedded mode's directory: a Kafka-backed index must not meet sqlite logs.
  TWINLOG_DATA_DIR: z.string().default(join(homedir(), '.local', 'share', 'twinlog-distributed')),
  TWINLOG_MODELS_DIR: z.string().default(SEED_MODELS_DIR),
  // The bundled plant simulator feeds a sample plant so there is something to see at once.
  TWINLOG_SIMULATOR: z.enum(['on', 'off']).default('on'),
  TWINLOG_SIMULATOR_MACHINES: intFrom(1, 3),
  // Plant seconds per wall second: 10 shows the demo faults within a few minutes.
  TWINLOG_SIMULATOR_SPEED: intFrom(1, 10),
  TWINLOG_SIMULATOR_INPUT: z.enum(['http', 'mqtt']).default('http'),
  // twin-state replicas sharing the partitions (ADR 0023); at most TWINLOG_PARTITIONS do work.
  TWINLOG_TWIN_STATE_REPLICAS: intFrom(1, 1, 12),
});

export type DistributedConfig = ReturnType<typeof readDistributedConfig>;

export function readDistributedConfig(env: Env) {
  const [raw, allowedHostNames] = collectProblems(
    () => parseEnv(schema, env),
    () => readAllowedHostNames(env),
  );
  return {
    gatewayPort: raw.TWINLOG_HTTP_PORT,
    // Everything listens on loopback; the services read TWINLOG_ALLOWED_HOSTS themselves.
    allowedHosts: AllowedHosts.of(allowedHostNames, '127.0.0.1'),
    dataDir: raw.TWINLOG_DATA_DIR,
    modelsDir: raw.TWINLOG_MODELS_DIR,
    twinStateReplicas: raw.TWINLOG_TWIN_STATE_REPLICAS,
    simulator:
      raw.TWINLOG_SIMULATOR === 'on'
        ? {
            machines: raw.TWINLOG_SIMULATOR_MACHINES,
            speed: raw.TWINLOG_SIMULATOR_SPEED,
            mqtt: raw.TWINLOG_SIMULATOR_INPUT === 'mqtt',
          }
        : undefined,
  };
}
