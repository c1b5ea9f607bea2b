import { option } from './api-client';
import { followWithKey as followStream, type StreamMessage } from './stream';

export const WATCH_USAGE = `  twinlog watch [--twin ID [--subtree]] [--site S] [--types state-changed,anomaly-opened,...] [--json]
                                prints twins' changes as they happen (readings, registrations, limits,
                                maintenance, anomalies, predictions), resuming where it was after a
                                dropped connection (Ctrl-C to stop)`;

/** `twinlog watch`: the live stream, one line per change, in plain words. */
export async function watchCommand(
  base: string,
  args: string[],
  out: (line: string) => void,
  status: (line: string) => void,
  signal?: AbortSignal,
): Promise<number> {
  const json = option(args, 'json') !== undefined;
  const query: Record<string, string> = {};
  for (const name of ['twin', 'site', 'types']) {
    const value = option(args, name);
    if (value !== undefined) query[name] = value;
  }
  if (option(args, 'subtree') !== undefined) query['subtree'] = 'true';
  await followStream(base, {
    query,
    onMessage: (m) =>
      out(json ? JSON.stringify({ type: m.type, id: m.id, ...m.data }) : describeChange(m)),
    onStatus: status,
    onOpen: () => status(`Watching ${describeQuery(query)} (Ctrl-C to stop).`),
    ...(signal ? { signal } : {}),
  });
  return 0;
}

function describeQuery(query: Record<string, string>): string {
  const parts = [
    query['twin']
      ? `${query['twin']}${query['subtree'] ? ' and everything under it' : ''}`
      : 'every twin',
    query['site'] ? `at ${query['site']}` : '',
    query['types'] ? `(${query['types']})` : '',
  ];
  return parts.filter(Boolean).join(' ');
}

/** One change as a person reads it: time, twin, what happened. */
export function describeChange({ type, data: m }: StreamMessage): string {
  const d = m.data;
  const when = m.occurredAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
  const what = (() => {
    switch (m.event) {
      case 'TelemetryReported':
        return (d['readings'] as Array<{ property: string; value: number; unit: string }>)
          .map(
            (r) =>
              `${r.property} ${Number(r.value.toPrecision(6))}${r.unit === '1' ? '' : ` ${r.unit}`}`,
          )
          .join(', ');
      case 'TwinRegistered':
        return `registered (${String(d['twinType'])}${d['site'] ? ` at ${String(d['site'])}` : ''}${d['parentId'] ? `, under ${String(d['parentId'])}` : ''})`;
      case 'ChildAttached':
        return `${String(d['childId'])} attached`;
      case 'ModelVersionChanged':
        return `model version ${String(d['from'])} -> ${String(d['to'])}`;
      case 'LimitsChanged':
        return `limits of ${String(d['property'])} changed: ${JSON.stringify(d['limits'])}`;
      case 'MaintenancePerformed':
        return `maintenance done: ${String(d['kind'])}${d['notes'] ? ` (${String(d['notes'])})` : ''}`;
      case 'TwinRetired':
        return `retired: ${String(d['reason'])}`;
      case 'AnomalyDetected':
        return `ANOMALY ${String(d['severity'])}: ${String(d['detector'])} on ${(d['properties'] as string[]).join(', ')} (score ${Number(d['score']).toFixed(2)})`;
      case 'AnomalyEscalated':
        return `anomaly raised to ${String(d['severity'])}: ${String(d['detector'])} (score ${Number(d['score']).toFixed(2)}, episode ${String(d['episodeId'])})`;
      case 'AnomalyCleared':
        return `anomaly cleared: ${String(d['detector'])} (episode ${String(d['episodeId'])})`;
      case 'MaintenancePredicted':
        return `prediction: health ${Math.round(Number(d['healthIndex']))}/100, ${Math.round(Number(d['rulHours']))} h left (${Math.round(Number(d['rulLowHours']))}-${Math.round(Number(d['rulHighHours']))}), priority ${String(d['priority'])}`;
      default:
        return `${type}: ${m.event}`;
    }
  })();
  return `${when}  ${m.twinId.padEnd(16)} ${what}`;
}
