import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModelCatalog, SEED_MODELS_DIR } from '@twinlog/model-files';
import { machinePhysicsFromModel, PLANT_TWIN_TYPES } from '@twinlog/plant-sim';
import { findApiKey, type AllowedHosts, type Env } from '@twinlog/service-kit';
import { readAlertingConfig } from '../../apps/alerting/src/config/alerting.config';
import { readAllInOneConfig } from '../../apps/all-in-one/src/config/all-in-one.config';
import { readGatewayConfig } from '../../apps/gateway/src/gateway.config';
import type { ServiceName } from '../../apps/gateway/src/routes';
import { readAnomalyConfig } from '../../apps/anomaly/src/config/anomaly.config';
import { readIngestionConfig } from '../../apps/ingestion/src/config/ingestion.config';
import { readMaintenanceConfig } from '../../apps/maintenance/src/config/maintenance.config';
import { parseCli } from '../../apps/plant-simulator/src/config/cli-options';
import { readSimulationConfig } from '../../apps/simulation/src/config/simulation.config';
import { readTwinStateConfig } from '../../apps/twin-state/src/config/twin-state.config';

export const REPO_ROOT = join(__dirname, '..', '..');

/**
 * How the image runs a Twinlog process: TypeScript source through tools/dev/register.cjs (swc's
 * output kept on disk; the image warms it when it is built, so no process loads a compiler).
 */
export const RUNNER = ['node', '-r', './tools/dev/register.cjs'];

/** Environment variables of Node and its libraries, not of a Twinlog setting. */
export const RUNTIME_VARIABLES = new Set([
  'NODE_ENV',
  'NODE_OPTIONS',
  'KAFKAJS_NO_PARTITIONER_WARNING',
]);

export interface EntryPoint {
  /** Repository path of the main.ts the command runs. */
  main: string;
  /** The service it is behind the gateway's routes, or what else it is. */
  role: ServiceName | 'gateway' | 'all-in-one' | 'plant-simulator';
  /** The app's own typed configuration reader (what main.ts calls with process.env). */
  readConfig?: (env: Env) => { http: { host: string; port: number; allowedHosts: AllowedHosts } };
  /** Validates the command-line arguments, for entry points that take them. */
  parseArgs?: (args: string[]) => unknown;
  /** Reads the environment settings it takes besides a configuration (a client's API key). */
  readEnv?: (env: Env) => unknown;
}

export const ENTRY_POINTS: readonly EntryPoint[] = [
  { main: 'apps/ingestion/src/main.ts', role: 'ingestion', readConfig: readIngestionConfig },
  { main: 'apps/twin-state/src/main.ts', role: 'twin-state', readConfig: readTwinStateConfig },
  { main: 'apps/anomaly/src/main.ts', role: 'anomaly', readConfig: readAnomalyConfig },
  { main: 'apps/simulation/src/main.ts', role: 'simulation', readConfig: readSimulationConfig },
  { main: 'apps/maintenance/src/main.ts', role: 'maintenance', readConfig: readMaintenanceConfig },
  { main: 'apps/alerting/src/main.ts', role: 'alerting', readConfig: readAlertingConfig },
  { main: 'apps/gateway/src/main.ts', role: 'gateway', readConfig: readGatewayConfig },
  { main: 'apps/all-in-one/src/main.ts', role: 'all-in-one', readConfig: readAllInOneConfig },
  {
    main: 'apps/plant-simulator/src/main.ts',
    role: 'plant-simulator',
    readEnv: findApiKey,
    parseArgs: (args) =>
      parseCli(args, {
        nowMs: Date.now(),
        readText: (path) => readFileSync(path, 'utf8'),
        physicsFrom: (dir) =>
          machinePhysicsFromModel(
            loadModelCatalog(dir ?? SEED_MODELS_DIR).get(PLANT_TWIN_TYPES.machine),
          ),
      }),
  },
];

/** The entry point a container command runs, and its arguments; throws for anything else. */
export function entryPointOf(command: readonly string[]): { entry: EntryPoint; args: string[] } {
  const [node, flag, runner, main, ...args] = command;
  if ([node, flag, runner].join(' ') !== RUNNER.join(' '))
    throw new Error(`${command.join(' ')} does not start with ${RUNNER.join(' ')}`);
  if (!main || !existsSync(join(REPO_ROOT, main)))
    throw new Error(`${command.join(' ')}: ${main} does not exist in the repository`);
  const entry = ENTRY_POINTS.find((e) => e.main === main);
  if (!entry) throw new Error(`${main} is not a known Twinlog entry point`);
  return { entry, args };
}

/**
 * The variables a configuration reader reads: it is called with an environment that records
 * every name asked for. The readers validate all keys before they complain, so a reader that
 * throws for the empty environment (the gateway's required URLs) has still asked for them all.
 */
export function settingsRead(entry: EntryPoint): Set<string> {
  const asked = new Set<string>();
  const recording = new Proxy({} as Env, {
    get: (_target, key) => {
      if (typeof key === 'string') asked.add(key);
      return undefined;
    },
  });
  try {
    entry.readConfig?.(recording);
    entry.readEnv?.(recording);
  } catch {
    // Required settings missing: expected for an empty environment.
  }
  return asked;
}
