import { getAllPages, option, table } from './api-client';

interface TwinRow {
  twinId: string;
  twinType: string;
  level: string;
  parentId: string | null;
  status: string;
  health: string;
  activeAnomalies?: number;
}

export const TWINS_USAGE = `  twinlog twins [--type T] [--level L] [--json]
                                list the twins with their status, health and open anomalies`;

/** `twinlog twins`: every twin, one line each (or JSON). */
export async function twinsCommand(
  base: string,
  args: string[],
  out: (line: string) => void,
): Promise<number> {
  const query = new URLSearchParams();
  // --type T is the list's `twinType`.
  for (const [flag, key] of [
    ['type', 'twinType'],
    ['level', 'level'],
    ['site', 'site'],
    ['status', 'status'],
  ] as const) {
    const value = option(args, flag);
    if (value !== undefined) query.set(key, value);
  }
  const twins = await getAllPages<TwinRow>(
    base,
    `/v1/twins${query.size ? `?${query}` : ''}`,
    'twins',
  );
  if (option(args, 'json')) {
    out(JSON.stringify(twins, null, 2));
    return 0;
  }
  if (twins.length === 0) {
    out('No twins registered yet.');
    return 0;
  }
  const rows = [...twins]
    .sort((a, b) => a.twinId.localeCompare(b.twinId))
    .map((t) => [
      t.twinId,
      t.twinType,
      t.level,
      t.parentId ?? '-',
      t.status,
      t.health,
      String(t.activeAnomalies ?? 0),
    ]);
  for (const line of table([
    ['TWIN', 'TYPE', 'LEVEL', 'PARENT', 'STATUS', 'HEALTH', 'ANOMALIES'],
    ...rows,
  ]))
    out(line);
  return 0;
}
