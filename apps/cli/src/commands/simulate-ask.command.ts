import { printable } from './printable';
import { describeComparison, describeRun, type CompareView, type RunView } from './simulate-report';
import { call, follow } from './simulation-job';

export const SIMULATE_ASK_USAGE = `twinlog simulate --twin ID --ask "plain words" [--at TIME] [--json]
                                the same run from a what-if in plain words (AI, docs/ai.md): prints
                                the structured scenario that ran, then the result as above
                                (--json: one object { "ask": ..., "result": ... }); exit codes as
                                above; AI off: says so, exit 2`;

/** What POST /v1/simulations/ask adds to the job: the scenario that runs, as the API takes it. */
interface AskView {
  text: string;
  scenario: Record<string, unknown>;
  mitigations: Array<Record<string, unknown>>;
  assumptions: string[];
  model: string;
}

/** The flags of `simulate --ask`; the scenario comes from the words alone. */
export function parseAskArgs(args: string[]): {
  twinId: string;
  ask: string;
  at?: string;
  json: boolean;
} {
  let twinId: string | undefined;
  let ask: string | undefined;
  let at: string | undefined;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n\n${SIMULATE_ASK_USAGE}`);
      return v;
    };
    switch (flag) {
      case '--twin':
        twinId = value();
        break;
      case '--ask':
        ask = value();
        break;
      case '--at':
        at = value();
        break;
      case '--json':
        json = true;
        break;
      default:
        throw new Error(
          `${flag} does not go with --ask: the scenario comes from the words (edit the printed scenario and run it with --scenario to change it)\n\n${SIMULATE_ASK_USAGE}`,
        );
    }
  }
  if (!twinId) throw new Error(`--twin is required\n\n${SIMULATE_ASK_USAGE}`);
  if (!ask?.trim()) throw new Error(`--ask needs the what-if in words\n\n${SIMULATE_ASK_USAGE}`);
  return { twinId, ask, ...(at ? { at } : {}), json };
}

/**
 * `twinlog simulate --ask`: the simulation service turns the words into a scenario, validates
 * and runs it; this prints that scenario (a body `--scenario` takes back), then the result.
 */
export async function simulateAskCommand(
  baseUrl: string,
  args: string[],
  out: (line: string) => void,
  progress: (line: string) => void,
): Promise<number> {
  const options = parseAskArgs(args);
  const started = await call(baseUrl, 'POST', '/v1/simulations/ask?async=true', {
    twinId: options.twinId,
    ask: options.ask,
    ...(options.at ? { at: options.at } : {}),
  });
  const ask = started['ask'] as AskView;
  const compare = ask.mitigations.length > 0;
  if (!options.json) describeAsk(ask, out);
  const result = await follow(baseUrl, started['simulationId'] as string, progress);
  if (result === 'cancelled') return 130;
  const view = result as unknown as RunView & CompareView;
  if (options.json) out(JSON.stringify({ ask, result }, null, 2));
  else if (compare) describeComparison(view, out);
  else describeRun(view, out);
  await new Promise((resolve) => process.stdout.write('', resolve));
  const decisive = compare ? view.alternative : view;
  return decisive.riskLevel === 'high' || decisive.riskLevel === 'critical' ? 1 : 0;
}

/** The scenario the words became: the JSON body that reruns it, the mitigations, the assumptions. */
export function describeAsk(ask: AskView, out: (line: string) => void): void {
  out(
    `scenario from your words (${printable(ask.model)}; rerun or edit it as a POST /v1/simulations body):`,
  );
  out(JSON.stringify(ask.scenario, null, 2));
  if (ask.mitigations.length > 0) {
    out('mitigations (compared: the scenario, and the scenario with these added):');
    out(JSON.stringify(ask.mitigations, null, 2));
  }
  if (ask.assumptions.length > 0) {
    out('assumptions:');
    for (const a of ask.assumptions) out(`  - ${printable(a)}`);
  }
  out(
    ask.mitigations.length > 0
      ? 'to rerun or edit: save the scenario as a file, add the mitigations to it as "mitigations": [...], and run twinlog simulate --scenario FILE'
      : 'to rerun or edit: save the scenario as a file and run twinlog simulate --scenario FILE',
  );
  out('');
}
