import { randomUUID } from 'node:crypto';
import { InfluxDB, Point } from '@influxdata/influxdb-client';
import { realServer } from '../infra/test-settings';

// Proof that the telemetry store is a real InfluxDB 2.x: the official client writes points and
// reads them back with a Flux query, including an aggregate only a real engine computes.
describe('real InfluxDB 2.x server', () => {
  const { url, token, org, bucket } = realServer('influx');
  const influx = new InfluxDB({ url, token });

  it('answers /health as InfluxDB 2.x', async () => {
    const health = (await (await fetch(`${url}/health`)).json()) as {
      status: string;
      version: string;
    };
    expect(health.status).toBe('pass');
    expect(health.version).toMatch(/^v?2\./);
  });

  it('stores points written by @influxdata/influxdb-client and returns them through Flux', async () => {
    const twinId = `proof-${randomUUID()}`;
    const start = Date.now() - 60_000;
    const writer = influx.getWriteApi(org, bucket, 'ms');
    const values = [20.5, 21, 22.5, 24];
    values.forEach((value, i) =>
      writer.writePoint(
        new Point('cnc_machine')
          .tag('twin_id', twinId)
          .tag('property', 'temperature')
          .floatField('value', value)
          .timestamp(start + i * 1000),
      ),
    );
    await writer.close();

    const query = influx.getQueryApi(org);
    const rows = await query.collectRows<{ _value: number; _time: string }>(
      `from(bucket: "${bucket}") |> range(start: -10m)
         |> filter(fn: (r) => r._measurement == "cnc_machine" and r.twin_id == "${twinId}")
         |> sort(columns: ["_time"])`,
    );
    expect(rows.map((r) => r._value)).toEqual(values);
    expect(new Date(rows[0]!._time).getTime()).toBe(start);

    const [mean] = await query.collectRows<{ _value: number }>(
      `from(bucket: "${bucket}") |> range(start: -10m)
         |> filter(fn: (r) => r.twin_id == "${twinId}") |> mean()`,
    );
    expect(mean?._value).toBeCloseTo(22, 6);
  });
});
