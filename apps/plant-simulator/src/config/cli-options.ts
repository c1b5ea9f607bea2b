import { parseArgs } from 'node:util';
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

export const USAGE = `simulate-plant: feeds a running Twinlog with a simulated plant or a replayed CSV file

  npm run simulate-plant -- [options]

Where to:
  --target URL          ingestion's HTTP API (default http://127.0.0.1:8081)
  --mqtt URL            publish over MQTT instead (QoS 1), e.g. mqtt://127.0.0.1:1883
  --mqtt-topic PATTERN  ingestion's topic pattern (default plant/{site}/{twinId}/telemetry)
  --twin-state URL      twin-state's HTTP API (default http://127.0.0.1:8082)
  --register            register the twins first (already registered is fine); tool changes
                        are then recorded as maintenance (--no-maintenance: not)

The plant (default): a production line of CNC machines with spindle, tool and coolant twins
  --machines N          machines on the line (default 3)
  --seed N              the same seed gives the same plant, readings and faults (default 42)
  --site NAME           the twins' site, also the {site} of MQTT topics (default demo-plant)
  --timeline NAME       faults over time: demo (within the first hour), week, none (default demo)
  --faults FILE.json    your own fault list instead (see docs/tools/plant-simulator.md)
  --models DIR          twin models to take the machine physics from (default: the seed models)

A CSV replay instead:
  --replay FILE.csv     a time column and value columns (',' ';' or tab separated, SKAB works)
  --twin ID             the twin that unprefixed --map targets belong to
  --map COL=[TWIN/]PROPERTY[@UNIT]   a value column to a twin's property (repeat per column)
  --time-column NAME    the time column (default: datetime/timestamp/time/date/ts, else the first)
  --twin-type [ID=]TYPE with --register: the twins' model types
  --keep-time           keep the file's own times (the twins must be commissioned before them)

Pace:
  --speed S             plant seconds per wall second (default 1); a fast run starts in the past
                        and runs live once it reaches the present
  --rate R              readings per wall second (sets the sample interval, or a replay's speed)
  --interval DURATION   plant time between samples (default 1s)
  --start TIME          plant time of the first sample: now, now-2h or ISO 8601 with a zone
  --duration DURATION   stop after this much wall time (e.g. 90s, 10m, 2h)
  --readings N          stop after this many readings
  --batch N             readings per request (default 1000)
  --concurrency N       requests in flight (default 1)
  --drain-timeout DUR   on Ctrl-C, how long to keep delivering what is queued (default 10s)
  --json                print the final counters as JSON on stdout

Progress goes to stderr. Exit code: 0 all readings delivered and accepted, 1 some rejected or
undelivered (or twins registered as something else), 2 bad options or input.`;

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
  let values: ReturnType<typeof parse>['values'];
  try {
    ({ values } = parse(argv));
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

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      help: { type: 'boolean', short: 'h' },
      json: { type: 'boolean' },
      target: { type: 'string' },
      mqtt: { type: 'string' },
      'mqtt-topic': { type: 'string' },
      'twin-state': { type: 'string' },
      register: { type: 'boolean' },
      'no-maintenance': { type: 'boolean' },
      machines: { type: 'string' },
      seed: { type: 'string' },
      site: { type: 'string' },
      timeline: { type: 'string' },
      faults: { type: 'string' },
      models: { type: 'string' },
      replay: { type: 'string' },
      twin: { type: 'string' },
      map: { type: 'string', multiple: true },
      'time-column': { type: 'string' },
      'twin-type': { type: 'string', multiple: true },
      'keep-time': { type: 'boolean' },
      speed: { type: 'string' },
      rate: { type: 'string' },
      interval: { type: 'string' },
      start: { type: 'string' },
      duration: { type: 'string' },
      readings: { type: 'string' },
      batch: { type: 'string' },
      concurrency: { type: 'string' },
      'drain-timeout': { type: 'string' },
    },
  });
}

function optional<K extends string, T>(
  key: K,
  raw: string | undefined,
  read: (raw: string) => T,
): Partial<Record<K, T>> {
  return raw === undefined ? {} : ({ [key]: read(raw) } as Record<K, T>);
}

function positive(raw: string): number {
  const n = Number(raw);
  if (!(Number.isFinite(n) && n > 0)) {
    throw new PlantSimError('OPTIONS_INVALID', `"${raw}" is not a number above 0`);
  }
  return n;
}

function whole(raw: string, flag: string, min: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw new PlantSimError(
      'OPTIONS_INVALID',
      `${flag} must be a whole number of at least ${min}, got "${raw}"`,
    );
  }
  return n;
}

function twinTypes(specs: string[]): Record<string, string> {
  const types: Record<string, string> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    types[eq >= 0 ? spec.slice(0, eq) : '*'] = eq >= 0 ? spec.slice(eq + 1) : spec;
  }
  return types;
}

function readInput(inputs: CliInputs, path: string, flag: string): string {
  try {
    return inputs.readText(path);
  } catch (error) {
    throw new PlantSimError('OPTIONS_INVALID', `${flag} ${path}: ${(error as Error).message}`);
  }
}

function parseJson(text: string, path: string): never[] {
  try {
    return JSON.parse(text) as never[];
  } catch (error) {
    throw new PlantSimError('FAULT_INVALID', `${path} is not JSON: ${(error as Error).message}`);
  }
}
