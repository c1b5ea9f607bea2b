import { parseSimulateArgs, type SimulateOptions } from './simulate-args';
import { describeComparison, describeRun, type CompareView, type RunView } from './simulate-report';
import { call, follow } from './simulation-job';

/** Exit code: 0 no alarm limit reached, 1 an alarm or failure limit reached, 2 bad input. */
export async function simulateCommand(
  baseUrl: string,
  args: string[],
  cwd: string,
  out: (line: string) => void,
  progress: (line: string) => void,
): Promise<number> {
  const options = parseSimulateArgs(args, cwd);
  const { compare, path, body } = simulationBodies(options);
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

/** The run's route and body: one scenario, or with mitigations the scenario against itself plus them. */
export function simulationBodies(options: SimulateOptions): {
  compare: boolean;
  path: string;
  body: Record<string, unknown>;
} {
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
  return { compare, path: compare ? '/v1/simulations/compare' : '/v1/simulations', body };
}
