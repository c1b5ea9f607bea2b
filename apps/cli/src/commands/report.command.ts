import { printable } from './printable';
import { CliError, getJson, option } from './api-client';

export const REPORT_USAGE = `  twinlog report (--twin ID | --site S) [--json]
                                a maintenance report written by the AI layer from Twinlog's figures (the
                                twin and the twins below it, or a site), as markdown; every number in it
                                is Twinlog's, cited [F1]...; needs AI on (docs/ai.md), else exit 2`;

interface ReportAnswer {
  markdown: string;
}

/** `twinlog report`: the maintenance service's AI-written report (GET /v1/reports/maintenance). */
export async function reportCommand(
  base: string,
  args: string[],
  out: (line: string) => void,
): Promise<number> {
  const query = reportQuery(args);
  const answer = await getJson<ReportAnswer>(base, `/v1/reports/maintenance?${query}`);
  if (option(args, 'json')) out(JSON.stringify(answer, null, 2));
  // The sections are the model's words: no control character reaches the terminal.
  else out(printable(answer.markdown.trimEnd()));
  return 0;
}

/** `twin=ID` or `site=S` from the arguments: exactly one, with a value, and nothing unknown. */
export function reportQuery(args: string[]): string {
  const known = new Set(['--twin', '--site', '--json']);
  const unknown = args.find((a, i) => !known.has(a) && !isValueOf(args, i));
  if (unknown !== undefined)
    throw new CliError(`unexpected ${JSON.stringify(unknown)}\nusage:\n${REPORT_USAGE}`);
  const twin = valueOf(args, 'twin');
  const site = valueOf(args, 'site');
  if ((twin === undefined) === (site === undefined))
    throw new CliError(`give exactly one of --twin ID and --site S\nusage:\n${REPORT_USAGE}`);
  return twin !== undefined
    ? `twin=${encodeURIComponent(twin)}`
    : `site=${encodeURIComponent(site!)}`;
}

function valueOf(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  if (args.lastIndexOf(`--${name}`) !== i) throw new CliError(`--${name} is given twice`);
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--') || value === '')
    throw new CliError(`--${name} needs a value`);
  return value;
}

/** Whether args[i] is the value of the --twin or --site just before it. */
function isValueOf(args: string[], i: number): boolean {
  return i > 0 && (args[i - 1] === '--twin' || args[i - 1] === '--site');
}
