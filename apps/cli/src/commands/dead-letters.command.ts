import { userInfo } from 'node:os';
import { CliError, getAllPages, getJson, option, postJson, table } from './api-client';

interface DeadLetter {
  id: string;
  at: string;
  consumer: string;
  code: string;
  reason: string;
  source: Record<string, unknown>;
  payload: string;
  replayable: boolean;
  notReplayableBecause?: string;
  lastReplay?: { at: string; by: string; outcome: string; code?: string };
}

interface ReplayReport {
  accepted: number;
  duplicates: number;
  refused: number;
  skipped: number;
  results: Array<{ id: string; status: string; code?: string; message?: string }>;
}

export const DEAD_LETTERS_USAGE = `  twinlog dead-letters list [--code CODE] [--since T] [--limit N] [--json]
                                what ingestion and the consumers refused, oldest first, with ids
  twinlog dead-letters show ID  one dead letter whole: reason, source, payload, last replay
  twinlog dead-letters replay [--code CODE] [--since T] [--id ID]
                                send refused readings through ingestion's checks again (e.g. after
                                registering a missing twin); a reading already in the log is not
                                appended twice; whole requests (malformed JSON) cannot be replayed`;

/** `twinlog dead-letters list | show ID | replay`. */
export async function deadLettersCommand(
  base: string,
  args: string[],
  out: (line: string) => void,
): Promise<number> {
  const [verb, ...rest] = args;
  const json = option(rest, 'json') !== undefined;
  switch (verb) {
    case 'list':
      return list(base, rest, json, out);
    case 'show': {
      const id = rest[0];
      if (!id || id.startsWith('--')) throw new CliError('usage: twinlog dead-letters show ID');
      const letter = await getJson<DeadLetter>(base, `/v1/dead-letters/${encodeURIComponent(id)}`);
      out(json ? JSON.stringify(letter, null, 2) : describe(letter));
      return 0;
    }
    case 'replay': {
      const id = option(rest, 'id');
      const body = {
        ...(option(rest, 'code') ? { code: option(rest, 'code') } : {}),
        ...(option(rest, 'since') ? { since: option(rest, 'since') } : {}),
        ...(id ? { ids: id.split(',') } : {}),
        by: `cli:${userInfo().username}`,
      };
      const report = await postJson<ReplayReport>(base, '/v1/dead-letters/replay', body);
      if (json) out(JSON.stringify(report, null, 2));
      else {
        out(
          `${report.accepted} accepted, ${report.duplicates} already in the log, ${report.refused} still refused, ${report.skipped} not replayable`,
        );
        for (const r of report.results.filter((r) => r.status === 'refused'))
          out(`  ${r.id}  refused again: ${r.code}: ${r.message ?? ''}`);
      }
      return 0;
    }
    default:
      throw new CliError(`usage:\n${DEAD_LETTERS_USAGE}`);
  }
}

async function list(
  base: string,
  args: string[],
  json: boolean,
  out: (line: string) => void,
): Promise<number> {
  const query = new URLSearchParams();
  // --since T is the list's `from` (the first refusal time it shows).
  for (const [flag, key] of [
    ['code', 'code'],
    ['since', 'from'],
    ['limit', 'limit'],
  ] as const) {
    const value = option(args, flag);
    if (value !== undefined) query.set(key, value);
  }
  const wanted = Number(option(args, 'limit') ?? Number.POSITIVE_INFINITY);
  const letters = await getAllPages<DeadLetter>(
    base,
    `/v1/dead-letters${query.size ? `?${query}` : ''}`,
    'deadLetters',
    wanted,
  );
  if (json) {
    out(JSON.stringify(letters, null, 2));
    return 0;
  }
  if (letters.length === 0) {
    out('No dead letters.');
    return 0;
  }
  const rows = letters.map((l) => [
    l.id,
    l.at,
    l.consumer,
    l.code,
    l.replayable ? (l.lastReplay?.outcome ?? 'yes') : 'no',
    l.reason.length > 60 ? `${l.reason.slice(0, 57)}...` : l.reason,
  ]);
  for (const line of table([['ID', 'AT', 'BY', 'CODE', 'REPLAY', 'REASON'], ...rows])) out(line);
  return 0;
}

function describe(l: DeadLetter): string {
  return [
    `dead letter ${l.id}, ${l.at}, refused by ${l.consumer}`,
    `  ${l.code}: ${l.reason}`,
    `  source: ${JSON.stringify(l.source)}`,
    `  payload: ${l.payload.length > 2_000 ? `${l.payload.slice(0, 2_000)}...` : l.payload}`,
    l.replayable
      ? `  replayable${l.lastReplay ? `; last replayed ${l.lastReplay.at} by ${l.lastReplay.by}: ${l.lastReplay.outcome}${l.lastReplay.code ? ` (${l.lastReplay.code})` : ''}` : ''}`
      : `  not replayable: ${l.notReplayableBecause ?? ''}`,
  ].join('\n');
}
