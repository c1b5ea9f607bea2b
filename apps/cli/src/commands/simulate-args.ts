import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parsePerturbationText } from '@twinlog/physics';

export const SIMULATE_USAGE = `twinlog simulate --twin ID [--horizon 24h] [--step 1m] [--at TIME]
                   [--perturb "fail cooling_capacity 10% at 0"]... [--samples N [--seed S]]
                   [--mitigate "set spindle_speed 5000"]... [--scenario file.json] [--json]
                                (a scenario file is a POST /v1/simulations body: its twinId,
                                at and a "mitigations" list are used unless flags say otherwise)
                                what-if run on the twin's physics model from its current state (or
                                its state at TIME); --mitigate compares it with the same run plus
                                those changes; exit 1 when the run (or the mitigated one) reaches an
                                alarm or failure limit`;

/** `twinlog simulate`'s flags: the run's scenario (flags over a --scenario file) and the mitigations. */
export interface SimulateOptions {
  twinId: string;
  at?: string;
  scenario: Record<string, unknown>;
  mitigations: Array<Record<string, string | number>>;
  json: boolean;
}

export function parseSimulateArgs(args: string[], cwd: string): SimulateOptions {
  let twinId: string | undefined;
  let at: string | undefined;
  let json = false;
  let scenario: Record<string, unknown> = {};
  const flags: Record<string, unknown> = {};
  const perturbations: unknown[] = [];
  const mitigations: SimulateOptions['mitigations'] = [];
  const monteCarlo: Record<string, number> = {};
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n\n${SIMULATE_USAGE}`);
      return v;
    };
    switch (flag) {
      case '--twin':
        twinId = value();
        break;
      case '--at':
        at = value();
        break;
      case '--horizon':
      case '--step':
      case '--label':
        flags[flag.slice(2)] = value();
        break;
      case '--calibration-window':
        flags['calibrationWindow'] = value();
        break;
      case '--perturb':
        perturbations.push(parsePerturbationText(value()));
        break;
      case '--mitigate':
        mitigations.push(parsePerturbationText(value()));
        break;
      case '--samples':
      case '--seed':
        monteCarlo[flag.slice(2)] = integer(flag, value());
        break;
      case '--scenario':
        scenario = readScenario(resolve(cwd, value()));
        break;
      case '--json':
        json = true;
        break;
      default:
        throw new Error(`unknown option "${flag}"\n\n${SIMULATE_USAGE}`);
    }
  }
  // A saved body (`simulate --ask` prints one) names its twin and start, and may carry the
  // mitigations to compare; flags given on the command line win over the file.
  const { twinId: fileTwin, at: fileAt, mitigations: fileMitigations, ...fileScenario } = scenario;
  scenario = fileScenario;
  twinId ??= optionalText('twinId', fileTwin);
  at ??= optionalText('at', fileAt);
  mitigations.unshift(...mitigationsOf(fileMitigations));
  if (!twinId) throw new Error(`--twin is required\n\n${SIMULATE_USAGE}`);
  if (monteCarlo['seed'] !== undefined && monteCarlo['samples'] === undefined) {
    throw new Error('--seed needs --samples');
  }
  const merged: Record<string, unknown> = { horizon: '24h', ...scenario, ...flags };
  if (perturbations.length > 0) {
    merged['perturbations'] = [
      ...((scenario['perturbations'] as unknown[]) ?? []),
      ...perturbations,
    ];
  }
  if (monteCarlo['samples'] !== undefined) merged['monteCarlo'] = monteCarlo;
  return { twinId, ...(at ? { at } : {}), scenario: merged, mitigations, json };
}

function readScenario(path: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(
      `${path}: a scenario file is a JSON object (twinId, at, horizon, step, perturbations, mitigations, ...)`,
    );
  }
  return parsed as Record<string, unknown>;
}

function optionalText(key: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '')
    throw new Error(`the scenario file's "${key}" must be a non-empty string`);
  return value;
}

function mitigationsOf(value: unknown): SimulateOptions['mitigations'] {
  if (value === undefined) return [];
  if (
    !Array.isArray(value) ||
    !value.every((m) => typeof m === 'object' && m !== null && !Array.isArray(m))
  )
    throw new Error(
      `the scenario file's "mitigations" must be a list of perturbations (objects, as --ask prints them)`,
    );
  return value as SimulateOptions['mitigations'];
}

function integer(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} takes a whole number, not "${text}"`);
  return n;
}
