import { parseIsoTime } from '@twinlog/domain';
import { CliError, getJson, option, table } from './api-client';

interface Reported {
  value: number;
  unit: string;
  occurredAt: string;
}

interface TwinView {
  twinId: string;
  twinType: string;
  status: string;
  health?: { status: string };
  reported: Record<string, Reported>;
  activeAnomalies: Record<
    string,
    { detector: string; properties: string[]; severity: string; since: string; raisedAt?: string }
  >;
  lastMaintenance: { kind: string; performedAt: string } | null;
}

export const TWIN_USAGE = `  twinlog twin ID [--at TIME] [--json]
                                one twin now, or as it was at TIME (ISO 8601): values, anomalies, maintenance`;

/** `twinlog twin ID`: a twin's current (or past) state for a person, or as JSON. */
export async function twinCommand(
  base: string,
  args: string[],
  out: (line: string) => void,
): Promise<number> {
  const twinId = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--at');
  if (!twinId) throw new CliError('which twin? usage: twinlog twin ID [--at TIME]');
  const atText = option(args, 'at');
  const at = atText === undefined ? undefined : parseIsoTime(atText);
  if (at && !at.ok)
    throw new CliError(`--at must be a time such as 2026-11-27T10:00:00Z: ${at.reason}`);
  const path = at?.ok
    ? `/v1/twins/${encodeURIComponent(twinId)}/history?at=${encodeURIComponent(at.iso)}`
    : `/v1/twins/${encodeURIComponent(twinId)}`;
  const answer = await getJson<TwinView | { state: TwinView }>(base, path);
  const twin = 'state' in answer ? answer.state : answer;
  if (option(args, 'json')) {
    out(JSON.stringify(answer, null, 2));
    return 0;
  }
  out(
    `${twin.twinId} (${twin.twinType}) ${twin.status}${twin.health ? `, health ${twin.health.status}` : ''}${at ? ` as of ${at}` : ''}`,
  );
  const values = Object.entries(twin.reported).sort(([a], [b]) => a.localeCompare(b));
  if (values.length > 0) {
    out('');
    for (const line of table([
      ['PROPERTY', 'VALUE', 'UNIT', 'AT'],
      ...values.map(([p, r]) => [p, String(r.value), r.unit, r.occurredAt]),
    ]))
      out(line);
  }
  const anomalies = Object.entries(twin.activeAnomalies);
  out('');
  out(anomalies.length === 0 ? 'No open anomalies.' : 'Open anomalies:');
  for (const [episode, a] of anomalies)
    out(
      `  ${a.severity.padEnd(8)} ${a.detector} on ${a.properties.join(', ')} since ${a.since}${a.raisedAt ? `, raised to ${a.severity} at ${a.raisedAt}` : ''} (${episode})`,
    );
  if (twin.lastMaintenance)
    out(`Last maintenance: ${twin.lastMaintenance.kind} at ${twin.lastMaintenance.performedAt}`);
  return 0;
}
