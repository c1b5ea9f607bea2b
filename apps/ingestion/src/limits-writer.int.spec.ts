import { InfluxDB } from '@influxdata/influxdb-client';
import { stampEvents } from '@twinlog/domain';
import { eventually } from '@twinlog/event-log/testing';
import { realServer } from '@twinlog/testing';
import { startHarness, type Harness } from './testing/ingestion-harness';

// Distributed mode: ingestion copies each twin's limits, as they change, from twin-events into
// InfluxDB's twin_limits (a snapshot per property), for the Grafana dashboard (docs/grafana.md).
jest.setTimeout(180_000);

let h: Harness;
let twinId: string;
beforeAll(async () => {
  twinId = `limits-${Date.now().toString(36)}`;
  h = await startHarness([{ twinId, twinType: 'cnc-milling-machine', site: 'plant-l' }]);
});
afterAll(async () => h?.close());

async function snapshots(property: string) {
  const influx = realServer('influx');
  return new InfluxDB({ url: influx.url, token: influx.token })
    .getQueryApi(influx.org)
    .collectRows<Record<string, unknown>>(
      `from(bucket: "${influx.bucket}")
        |> range(start: 1970-01-01T00:00:00Z)
        |> filter(fn: (r) => r._measurement == "twin_limits" and r.twin_id == "${twinId}" and r.property == "${property}")
        |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")
        |> sort(columns: ["_time"])`,
    );
}

it("writes the model's limits at registration and each change after, with the twin's site", async () => {
  await eventually(
    async () => (await snapshots('temperature')).length === 1,
    'the registration snapshot',
    60_000,
  );
  const [first] = await snapshots('temperature');
  expect(first).toMatchObject({
    site: 'plant-l',
    bounds: 5,
    normal_low: 15,
    normal_high: 65,
    warning_high: 75,
    alarm_high: 85,
    failure_high: 95,
  });

  const changedAt = new Date().toISOString();
  await h.infra.log.append(
    stampEvents(
      twinId,
      [
        {
          type: 'LimitsChanged',
          data: { property: 'temperature', limits: { alarm: { high: 80 } } },
          occurredAt: changedAt,
        },
      ],
      {
        commandId: `change-${twinId}`,
        correlationId: 'c',
        causationId: null,
        producer: 'twin-state',
        now: changedAt,
      },
    ),
  );
  await eventually(
    async () => (await snapshots('temperature')).length === 2,
    'the change snapshot',
    60_000,
  );
  const [, second] = await snapshots('temperature');
  // A whole snapshot: the bounds no longer set are absent from it.
  expect(second).toMatchObject({ site: 'plant-l', bounds: 1, alarm_high: 80 });
  expect(second!['normal_high'] ?? null).toBeNull();
  expect(Date.parse(String(second!['_time']))).toBeGreaterThanOrEqual(Date.parse(changedAt));
});
