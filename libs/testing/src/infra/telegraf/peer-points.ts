import type { InfluxSettings } from '../infra-settings';

/** One point as Twinlog's telemetry writer and the peer write it. */
export interface PeerPoint {
  twinId: string;
  site: string;
  property: string;
  /** ISO 8601 UTC, milliseconds (as Twinlog normalises a reading's time). */
  time: string;
  value: number;
}

/**
 * How many `value` points of these twins InfluxDB answers for (a Flux count over all time):
 * what "queryable" means for the peer.
 */
export async function countPeerPoints(
  influx: InfluxSettings,
  measurement: string,
  twinIds: readonly string[],
): Promise<number> {
  const csv = await queryCsv(influx, [
    ...fluxOfTwins(influx, measurement, twinIds),
    '  |> count()',
  ]);
  return Number(csvRows(csv)[0]?.['_value'] ?? 0);
}

/** The points themselves, to check tags, time and value, not only how many arrived. */
export async function peerPoints(
  influx: InfluxSettings,
  measurement: string,
  twinIds: readonly string[],
): Promise<PeerPoint[]> {
  const csv = await queryCsv(influx, fluxOfTwins(influx, measurement, twinIds));
  return csvRows(csv).map((row) => ({
    twinId: row['twin_id'] ?? '',
    site: row['site'] ?? '',
    property: row['property'] ?? '',
    time: new Date(row['_time'] ?? NaN).toISOString(),
    value: Number(row['_value']),
  }));
}

function fluxOfTwins(
  influx: InfluxSettings,
  measurement: string,
  twinIds: readonly string[],
): string[] {
  return [
    `ids = [${twinIds.map((id) => JSON.stringify(id)).join(', ')}]`,
    `from(bucket: ${JSON.stringify(influx.bucket)})`,
    '  |> range(start: 0)',
    `  |> filter(fn: (r) => r._measurement == ${JSON.stringify(measurement)} and r._field == "value")`,
    '  |> filter(fn: (r) => contains(value: r.twin_id, set: ids))',
    '  |> group()',
  ];
}

async function queryCsv(influx: InfluxSettings, flux: string[]): Promise<string> {
  const response = await fetch(`${influx.url}/api/v2/query?org=${encodeURIComponent(influx.org)}`, {
    method: 'POST',
    headers: { authorization: `Token ${influx.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      query: flux.join('\n'),
      type: 'flux',
      dialect: { header: true, annotations: [] },
    }),
  });
  const csv = await response.text();
  if (!response.ok) throw new Error(`InfluxDB query failed: HTTP ${response.status} ${csv}`);
  return csv;
}

/**
 * The rows of a one-table Flux CSV answer (no annotations), by column name. Plain splitting:
 * the peer's tag values (ids, property names) hold no commas or quotes.
 */
export function csvRows(csv: string): Array<Record<string, string>> {
  const [header, ...rows] = csv.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (!header) return [];
  const columns = header.split(',');
  return rows.map((row) => {
    const cells = row.split(',');
    return Object.fromEntries(columns.map((column, i) => [column, cells[i] ?? '']));
  });
}
