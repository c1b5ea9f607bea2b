import type { InfluxSettings } from '../infra-settings';

/**
 * How many `value` points of these twins InfluxDB answers for (a Flux count over all time):
 * what "queryable" means for the peer. Twin ids are the `twin_id` tag both Twinlog and the
 * peer write.
 */
export async function countPeerPoints(
  influx: InfluxSettings,
  measurement: string,
  twinIds: readonly string[],
): Promise<number> {
  const ids = `[${twinIds.map((id) => JSON.stringify(id)).join(', ')}]`;
  const flux = [
    `ids = ${ids}`,
    `from(bucket: ${JSON.stringify(influx.bucket)})`,
    '  |> range(start: 0)',
    `  |> filter(fn: (r) => r._measurement == ${JSON.stringify(measurement)} and r._field == "value")`,
    '  |> filter(fn: (r) => contains(value: r.twin_id, set: ids))',
    '  |> group()',
    '  |> count()',
  ].join('\n');
  const response = await fetch(
    `${influx.url}/api/v2/query?org=${encodeURIComponent(influx.org)}`,
    {
      method: 'POST',
      headers: { authorization: `Token ${influx.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: flux, type: 'flux', dialect: { header: true, annotations: [] } }),
    },
  );
  const csv = await response.text();
  if (!response.ok) throw new Error(`InfluxDB query failed: HTTP ${response.status} ${csv}`);
  return csvCount(csv);
}

/** The `_value` of a one-row Flux CSV answer; no row (no points at all) is 0. */
export function csvCount(csv: string): number {
  const [header, row] = csv.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (!header || !row) return 0;
  const column = header.split(',').indexOf('_value');
  const value = Number(row.split(',')[column]);
  if (column < 0 || !Number.isFinite(value)) throw new Error(`Unexpected Flux answer: ${csv}`);
  return value;
}
