import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError } from './api-client';

/**
 * The argument grammar of `twinlog alerts ...`: repeatable options, the words that are not
 * options, and the values (quiet hours, escalation steps, durations) turned into API bodies.
 */

/** Options that take no value: everything else after `--name` is its value. */
const FLAGS = new Set(['json', 'follow', 'maintenance', 'disabled', 'active', 'help']);

/** Every value of a repeatable `--name value` (and comma lists within each), in order. */
export function optionValues(args: string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] !== `--${name}`) continue;
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--'))
      throw new CliError(`--${name} needs a value`);
    values.push(...value.split(',').filter((v) => v !== ''));
  }
  return values;
}

/** The one word (an id) a verb takes, or its usage. */
export function oneWord(args: string[], usage: string): string {
  const words = positionals(args);
  if (words.length !== 1) throw new CliError(`usage: twinlog ${usage}`);
  return words[0]!;
}

/** The words that are neither options nor their values: `alerts assign A-1 maria` -> [A-1, maria]. */
export function positionals(args: string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg.startsWith('--')) {
      if (!FLAGS.has(arg.slice(2))) i += 1;
      continue;
    }
    words.push(arg);
  }
  return words;
}

const SEVERITIES = ['info', 'warning', 'alarm', 'critical'] as const;
const QUIET = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)@([^:@\s]+)(?::([a-z]+))?$/;

/** `22:00-06:00@Europe/Berlin[:critical]`: quiet hours, and the severity still sent at once. */
export function parseQuietHours(text: string) {
  const m = QUIET.exec(text);
  if (!m)
    throw new CliError(
      `--quiet ${text}: expected FROM-TO@TIMEZONE[:SEVERITY], e.g. 22:00-06:00@Europe/Berlin:critical`,
    );
  const allowSeverity = m[6] ?? 'critical';
  if (!(SEVERITIES as readonly string[]).includes(allowSeverity))
    throw new CliError(`--quiet ${text}: the severity must be one of ${SEVERITIES.join(', ')}`);
  return { from: `${m[1]}:${m[2]}`, to: `${m[3]}:${m[4]}`, timeZone: m[5]!, allowSeverity };
}

/** `--escalate 15:CHANNEL` (repeatable): steps by minutes, channels of one minute together. */
export function parseEscalation(values: string[]) {
  const steps = new Map<number, string[]>();
  for (const text of values) {
    const m = /^(\d{1,5}):(.+)$/.exec(text);
    if (!m || Number(m[1]) < 1)
      throw new CliError(`--escalate ${text}: expected MINUTES:CHANNEL, e.g. 15:ch-pager`);
    const minutes = Number(m[1]);
    steps.set(minutes, [...(steps.get(minutes) ?? []), m[2]!]);
  }
  return [...steps]
    .sort(([a], [b]) => a - b)
    .map(([afterMinutes, channels]) => ({ afterMinutes, channels }));
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400 };

/** `2h`, `90m`, `1h30m`, `7d`: a duration in milliseconds. */
export function parseDuration(text: string): number {
  const parts = [...text.matchAll(/(\d{1,6})([smhd])/g)];
  const whole = parts.map((p) => p[0]).join('');
  if (parts.length === 0 || whole !== text)
    throw new CliError(`--for ${text}: expected a duration such as 30m, 2h, 1h30m or 7d`);
  const seconds = parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_SECONDS[p[2]!]!, 0);
  if (seconds <= 0) throw new CliError(`--for ${text}: must be longer than nothing`);
  return seconds * 1_000;
}

/**
 * A webhook's signing secret, from the first of: `--secret-file PATH` (its first line),
 * `--secret S` (seen in shell history and the process list), TWINLOG_WEBHOOK_SECRET.
 */
export function webhookSecret(args: string[], fromEnv: string | undefined, cwd: string): string {
  const file = optionValue(args, 'secret-file');
  const given = optionValue(args, 'secret');
  if (file !== undefined && given !== undefined)
    throw new CliError('give the secret once: --secret-file or --secret, not both');
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(resolve(cwd, file), 'utf8');
    } catch (error) {
      throw new CliError(`--secret-file ${file}: ${(error as Error).message}`);
    }
    const secret = text.split(/\r?\n/)[0] ?? '';
    if (secret === '') throw new CliError(`--secret-file ${file}: the file's first line is empty`);
    return secret;
  }
  const secret = given ?? fromEnv;
  if (secret === undefined || secret === '')
    throw new CliError(
      'a webhook needs a signing secret: --secret-file PATH, or TWINLOG_WEBHOOK_SECRET, or --secret S',
    );
  return secret;
}

/** The one value of `--name value`, or undefined (a flag without a value is a usage error). */
export function optionValue(args: string[], name: string): string | undefined {
  const values = optionValues(args, name);
  if (values.length > 1) throw new CliError(`--${name} is given more than once`);
  return values[0];
}

/** The body of `alerts rule set`: what the flags say, nothing they leave out. */
export function ruleBody(args: string[]) {
  const name = optionValue(args, 'name');
  if (name === undefined) throw new CliError('alerts rule set needs --name NAME');
  const channels = optionValues(args, 'channel');
  if (channels.length === 0)
    throw new CliError('alerts rule set needs --channel ID (repeatable), or --channel "*" for all');
  const minSeverity = optionValue(args, 'min-severity');
  if (minSeverity !== undefined && !(SEVERITIES as readonly string[]).includes(minSeverity))
    throw new CliError(`--min-severity ${minSeverity}: must be one of ${SEVERITIES.join(', ')}`);
  const subtree = optionValue(args, 'subtree');
  const match = {
    ...(minSeverity !== undefined ? { minSeverity } : {}),
    ...listOf(args, 'cause', 'causes'),
    ...listOf(args, 'type', 'twinTypes'),
    ...listOf(args, 'site', 'sites'),
    ...(subtree !== undefined ? { subtree } : {}),
    ...listOf(args, 'property', 'properties'),
  };
  const quiet = optionValue(args, 'quiet');
  const escalation = parseEscalation(optionValues(args, 'escalate'));
  return {
    name,
    match,
    channels,
    ...(quiet !== undefined ? { quietHours: parseQuietHours(quiet) } : {}),
    ...(escalation.length > 0 ? { escalation } : {}),
    ...(args.includes('--disabled') ? { enabled: false } : {}),
  };
}

function listOf(args: string[], flag: string, key: string): Record<string, string[]> {
  const values = optionValues(args, flag);
  return values.length > 0 ? { [key]: values } : {};
}

/** The body of `alerts silence`: a twin or `--site`, `--for` or `--until`, `--reason`. */
export function silenceBody(args: string[], now: Date) {
  const [twinId, ...extra] = positionals(args);
  const site = optionValue(args, 'site');
  if ((twinId === undefined) === (site === undefined) || extra.length > 0)
    throw new CliError('alerts silence needs one twin id, or --site SITE (not both)');
  const forText = optionValue(args, 'for');
  const until = optionValue(args, 'until');
  if ((forText === undefined) === (until === undefined))
    throw new CliError('alerts silence needs --for DURATION (2h) or --until TIME, one of them');
  const reason = optionValue(args, 'reason');
  if (reason === undefined)
    throw new CliError('alerts silence needs --reason TEXT (it is shown with what it holds back)');
  const to = until ?? new Date(now.getTime() + parseDuration(forText!)).toISOString();
  return {
    ...(args.includes('--maintenance') ? { kind: 'maintenance-window' } : {}),
    ...(twinId !== undefined ? { twinId } : { site }),
    to,
    reason,
  };
}
