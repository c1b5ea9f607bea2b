import { parseArgs } from 'node:util';
import { PlantSimError } from '@twinlog/plant-sim';

// How each flag's text becomes a value; a bad one is PlantSimError OPTIONS_INVALID (exit code 2).

/** The flags as node:util parseArgs reads them (strict: an unknown flag throws). */
export function parseFlags(argv: string[]) {
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
      'mqtt-user': { type: 'string' },
      'mqtt-password-file': { type: 'string' },
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

export type FlagValues = ReturnType<typeof parseFlags>['values'];

/** `{ [key]: read(raw) }`, or nothing when the flag was not given. */
export function optional<K extends string, T>(
  key: K,
  raw: string | undefined,
  read: (raw: string) => T,
): Partial<Record<K, T>> {
  return raw === undefined ? {} : ({ [key]: read(raw) } as Record<K, T>);
}

export function positive(raw: string): number {
  const n = Number(raw);
  if (!(Number.isFinite(n) && n > 0)) {
    throw new PlantSimError('OPTIONS_INVALID', `"${raw}" is not a number above 0`);
  }
  return n;
}

export function whole(raw: string, flag: string, min: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw new PlantSimError(
      'OPTIONS_INVALID',
      `${flag} must be a whole number of at least ${min}, got "${raw}"`,
    );
  }
  return n;
}

/** `--twin-type [ID=]TYPE` flags as a map; a bare TYPE is every twin's (`*`). */
export function twinTypes(specs: string[]): Record<string, string> {
  const types: Record<string, string> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    types[eq >= 0 ? spec.slice(0, eq) : '*'] = eq >= 0 ? spec.slice(eq + 1) : spec;
  }
  return types;
}

export function readInput(
  inputs: { readText(path: string): string },
  path: string,
  flag: string,
): string {
  try {
    return inputs.readText(path);
  } catch (error) {
    throw new PlantSimError('OPTIONS_INVALID', `${flag} ${path}: ${(error as Error).message}`);
  }
}

export function parseJson(text: string, path: string): never[] {
  try {
    return JSON.parse(text) as never[];
  } catch (error) {
    throw new PlantSimError('FAULT_INVALID', `${path} is not JSON: ${(error as Error).message}`);
  }
}
