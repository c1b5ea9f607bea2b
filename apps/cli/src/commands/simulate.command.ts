import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parsePerturbationText } from '@twinlog/physics';
import { describeComparison, describeRun, type CompareView, type RunView } from './simulate-report';

export const SIMULATE_USAGE = `twinlog simulate --twin ID [--horizon 24h] [--step 1m] [--at TIME]
                   [--perturb "fail cooling_capacity 10% at 0"]... [--samples N [--seed S]]
                   [--mitigate "set spindle_speed 5000"]... [--scenario file.json] [--json]
                                what-if run on the twin's physics model from its current state (or
                                its state at TIME); --mitigate compares it with the same run plus
                                those changes; exit 1 when the run (or the mitigated one) reaches an
                                alarm or failure limit`;

interface Options {
  twinId: string;
  at?: string;
  scenario: Record<string, unknown>;
  mitigations: Array<Record<string, string | number>>;
  json: boolean;
}

/** Exit code: 0 no alarm limit reached, 1 an alarm or failure limit reached, 2 bad input. */
export async function simulateCommand(
  baseUrl: string,
  args: string[],
  cwd: string,
  out: (line: string) => void,
  progress: (line: string) => void,
): Promise<number> {
  const options = parseArgs(args, cwd);
  const compare = options.mitigations.length > 0;
  const alternative = {
    ...options.scenario,
    perturbations: [
      ...((options.scenario['perturbations'] as unknown[]) ?? []),
      ...options.mitigations,
    ],
  };
  const body = compare
    ? { twinId: options.twinId, at: options.at, base: options.scenario, alternative }
    : { twinId: options.twinId, at: options.at, ...options.scenario };
  const path = compare ? '/v1/simulations/compare' : '/v1/simulations';
  const started = await call(baseUrl, 'POST', `${path}?async=true`, body);
  const result = await follow(baseUrl, started.simulationId as string, progress);
  if (result === 'cancelled') return 130;
  const view = result as unknown as RunView & CompareView;
  if (options.json) {
    out(JSON.stringify(result, null, 2));
  } else if (compare) {
    describeComparison(view, out);
  } else {
    describeRun(view, out);
  }
  const decisive = compare ? view.alternative : view;
  // A result is hundreds of kB: let a pipe take all of it before the process exits.
  await new Promise((resolve) => process.stdout.write('', resolve));
  return decisive.riskLevel === 'high' || decisive.riskLevel === 'critical' ? 1 : 0;
}

/** Polls the job, showing its progress; Ctrl-C cancels it on the server. */
async function follow(
  baseUrl: string,
  id: string,
  progress: (line: string) => void,
): Promise<Record<string, unknown> | 'cancelled'> {
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
    progress('cancelling...');
    void call(baseUrl, 'DELETE', `/v1/simulations/${id}`).catch(() => undefined);
  };
  process.once('SIGINT', onInterrupt);
  try {
    for (;;) {
      const job = await call(baseUrl, 'GET', `/v1/simulations/${id}`);
      const { phase, fraction } = job.progress as { phase: string; fraction: number };
      switch (job.status) {
        case 'completed':
          return job.result as Record<string, unknown>;
        case 'cancelled':
          progress(`simulation ${id} cancelled at ${(fraction * 100).toFixed(0)}%`);
          return 'cancelled';
        case 'failed': {
          const error = job.error as { code: string; message: string };
          throw new Error(`the simulation failed (${error.code}): ${error.message}`);
        }
        default:
          if (!interrupted) progress(`simulating: ${(fraction * 100).toFixed(0)}% (${phase})`);
          await new Promise((r) => setTimeout(r, 200));
      }
    }
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}

async function call(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new Error(
      `cannot reach the simulation service at ${baseUrl} (${(error as Error).message}); set TWINLOG_SIMULATION_URL`,
    );
  }
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const error = json['error'] as
      { code?: string; message?: string; details?: { problems?: string[] } } | undefined;
    const problems = error?.details?.problems;
    throw new Error(
      `simulation answered ${response.status} ${error?.code ?? ''}: ${problems ? `\n  - ${problems.join('\n  - ')}` : (error?.message ?? response.statusText)}`,
    );
  }
  return json;
}

function parseArgs(args: string[], cwd: string): Options {
  let twinId: string | undefined;
  let at: string | undefined;
  let json = false;
  let scenario: Record<string, unknown> = {};
  const flags: Record<string, unknown> = {};
  const perturbations: unknown[] = [];
  const mitigations: Options['mitigations'] = [];
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
      `${path}: a scenario file is a JSON object (horizon, step, perturbations, ...)`,
    );
  }
  return parsed as Record<string, unknown>;
}

function integer(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} takes a whole number, not "${text}"`);
  return n;
}
