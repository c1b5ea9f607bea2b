import type { ExplanationView } from '@twinlog/domain';
import { printable } from './printable';
import { CliError, getJson, option, postJson } from './api-client';

export const EXPLAIN_USAGE = `  twinlog explain ANOMALY_ID [--json] [--refresh]
                                an AI explanation of an anomaly (its episode id, as \`twinlog anomalies\`
                                prints it): summary, likely causes, what to check first; the one
                                recorded already unless --refresh asks for a new one (operator role)`;

/**
 * `twinlog explain`: the anomaly's recorded explanation, or when there is none yet (or with
 * --refresh) a new one from twin-state. AI off is the service's 503 AI_OFF, printed with how to turn it on (exit 2);
 * no such anomaly is exit 1, like every "not found" of this CLI.
 */
export async function explainCommand(
  base: string,
  args: string[],
  out: (line: string) => void,
): Promise<number> {
  const unknown = args.filter((a) => a.startsWith('--') && !FLAGS.has(a));
  if (unknown.length > 0) throw new CliError(`unknown option ${unknown[0]}\n\n${EXPLAIN_USAGE}`);
  const ids = args.filter((a) => !a.startsWith('--'));
  if (ids.length !== 1) throw new CliError(`one anomaly id is needed\n\n${EXPLAIN_USAGE}`);
  const episodeId = ids[0]!;
  const refresh = option(args, 'refresh') !== undefined;
  const path = `/v1/anomalies/${encodeURIComponent(episodeId)}/explanation`;
  // The recorded one is read first: it prints with AI off and for a viewer; only when there is
  // none yet (or with --refresh) is the model asked, which needs AI on and the operator role.
  const answer = refresh
    ? await postJson<ExplanationView>(base, `${path}?refresh=true`, {})
    : await getJson<ExplanationView>(base, path).catch((error: unknown) => {
        if (error instanceof CliError && /EXPLANATION_NOT_FOUND/.test(error.message))
          return postJson<ExplanationView>(base, path, {});
        throw error;
      });
  if (option(args, 'json') !== undefined) out(JSON.stringify(answer, null, 2));
  else for (const line of explanationText(answer)) out(line);
  return 0;
}

const FLAGS = new Set(['--json', '--refresh']);

/** The explanation for a person at a terminal; the model's texts stripped of control characters. */
export function explanationText(e: ExplanationView): string[] {
  const a = e.anomaly;
  const span = a.clearedAt ? `${a.detectedAt} to ${a.clearedAt}` : `since ${a.detectedAt} (open)`;
  return [
    `${a.severity} ${a.detector} anomaly on ${e.twinId} (${a.properties.join(', ')}), ${span}`,
    `Explained by ${printable(e.model)} at ${e.explainedAt}${e.actor ? `, asked by ${e.actor}` : ''} (AI-written; check it against the evidence)`,
    '',
    printable(e.summary),
    ...(e.likelyCauses.length > 0
      ? [
          '',
          'Likely causes:',
          ...e.likelyCauses.map((c, i) => `  ${i + 1}. ${printable(c.cause)}: ${printable(c.why)}`),
        ]
      : []),
    ...(e.checkFirst.length > 0
      ? ['', 'Check first:', ...e.checkFirst.map((c) => `  - ${printable(c)}`)]
      : []),
  ];
}
