import {
  parseColumnMapping,
  parseCsv,
  parseDuration,
  parsePlantStart,
  planReplay,
  PlantSimError,
  TIMELINES,
  type MachinePhysics,
  type TimelineName,
} from '@twinlog/plant-sim';
import type { SimulatorOptions } from '../run/simulator-options';
import {
  optional,
  parseFlags,
  parseJson,
  positive,
  readInput,
  twinTypes,
  whole,
  type FlagValues,
} from './flag-values';

export interface CliRequest {
  help: boolean;
  json: boolean;
  options: SimulatorOptions;
}

export interface CliInputs {
  readText(path: string): string;
  physicsFrom(modelsDir: string | undefined): MachinePhysics;
  nowMs: number;
}

const PLANT_ONLY = ['machines', 'seed', 'timeline', 'faults', 'interval'] as const;
const REPLAY_ONLY = ['twin', 'map', 'time-column', 'twin-type', 'keep-time'] as const;

/** The command line as simulator options; bad flags and inputs are PlantSimError (exit code 2). */
export function parseCli(argv: string[], inputs: CliInputs): CliRequest {
  let values: FlagValues;
  try {
    ({ values } = parseFlags(argv));
  } catch (error) {
    throw new PlantSimError('OPTIONS_INVALID', (error as Error).message);
  }
  if (values.help) return { help: true, json: false, options: {} };
  const options: SimulatorOptions = {
    ...(values.target ? { target: values.target } : {}),
    ...(values['twin-state'] ? { twinState: values['twin-state'] } : {}),
    register: values.register ?? false,
    ...(values['no-maintenance'] ? { maintenance: false } : {}),
    ...(values.mqtt
      ? {
          mqtt: {
            url: values.mqtt,
            ...(values['mqtt-topic'] ? { topic: values['mqtt-topic'] } : {}),
            ...mqttLogin(values, inputs),
          },
        }
      : {}),
    ...optional('speed', values.speed, positive),
    ...optional('rate', values.rate, positive),
    ...optional('intervalMs', values.interval, (v) => parseDuration(v, '--interval')),
    ...optional('startMs', values.start, (v) => parsePlantStart(v, inputs.nowMs)),
    ...optional('durationMs', values.duration, (v) => parseDuration(v, '--duration')),
    ...optional('maxReadings', values.readings, (v) => whole(v, '--readings', 1)),
    ...optional('batchSize', values.batch, (v) => whole(v, '--batch', 1)),
    ...optional('concurrency', values.concurrency, (v) => whole(v, '--concurrency', 1)),
    ...optional('drainTimeoutMs', values['drain-timeout'], (v) =>
      parseDuration(v, '--drain-timeout'),
    ),
  };
  if (values.replay) {
    const misplaced = PLANT_ONLY.filter((k) => values[k] !== undefined);
    if (misplaced.length > 0) {
      throw new PlantSimError(
        'OPTIONS_INVALID',
        `--${misplaced.join(', --')} do not go with --replay`,
      );
    }
    const mappings = (values.map ?? []).map((m) => parseColumnMapping(m, values.twin));
    const table = parseCsv(readInput(inputs, values.replay, '--replay'));
    options.replay = {
      replay: planReplay(table, mappings, values['time-column']),
      keepTime: values['keep-time'] ?? false,
      twinTypes: twinTypes(values['twin-type'] ?? []),
      ...(values.site ? { site: values.site } : {}),
    };
  } else {
    const misplaced = REPLAY_ONLY.filter((k) => values[k] !== undefined);
    if (misplaced.length > 0) {
      throw new PlantSimError('OPTIONS_INVALID', `--${misplaced.join(', --')} need --replay`);
    }
    const timeline = values.timeline;
    if (timeline !== undefined && !(TIMELINES as readonly string[]).includes(timeline)) {
      throw new PlantSimError('OPTIONS_INVALID', `--timeline is one of ${TIMELINES.join(', ')}`);
    }
    options.plant = {
      ...optional('machines', values.machines, (v) => whole(v, '--machines', 1)),
      ...optional('seed', values.seed, (v) => whole(v, '--seed', 0)),
      ...(values.site ? { site: values.site } : {}),
      ...(timeline ? { timeline: timeline as TimelineName } : {}),
      ...(values.faults
        ? { faults: parseJson(readInput(inputs, values.faults, '--faults'), values.faults) }
        : {}),
      physics: inputs.physicsFrom(values.models),
    };
  }
  return { help: false, json: values.json ?? false, options };
}

/**
 * The broker login: --mqtt-user, and the password from a file (a mounted secret): never a flag,
 * which `ps` would show. A password in the --mqtt URL works too, and is never printed.
 */
function mqttLogin(
  values: FlagValues,
  inputs: CliInputs,
): { username?: string; password?: string } {
  const username = values['mqtt-user'];
  const file = values['mqtt-password-file'];
  const password =
    file === undefined
      ? undefined
      : readInput(inputs, file, '--mqtt-password-file').replace(/\r?\n$/, '');
  if (password !== undefined && username === undefined)
    throw new PlantSimError('OPTIONS_INVALID', 'a password for MQTT needs --mqtt-user');
  return {
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
  };
}
