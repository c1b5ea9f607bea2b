import { randomUUID } from 'node:crypto';
import { distributedServiceEnv, freePort, realServer } from '@twinlog/testing';
import { twinlogCli } from './testing/cli';
import { seeThePlantWorking } from './testing/plant-checks';
import {
  getJson,
  settled,
  startTwinlogProcess,
  type TwinlogProcess,
} from './testing/twinlog-process';

describe('npm run start:distributed (each service its own process, real Kafka and InfluxDB)', () => {
  jest.setTimeout(600_000);
  let running: TwinlogProcess | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it('runs the same flow as the embedded mode, with two anomaly workers sharing the load, and restarts to the same state', async () => {
    const env = {
      ...distributedServiceEnv(`e2e-${randomUUID().slice(0, 8)}.`),
      MQTT_URL: realServer('mqtt').url,
      TWINLOG_HTTP_PORT: String(await freePort()),
      TWINLOG_LOG_FORMAT: 'json',
      TWINLOG_SIMULATOR_SPEED: '60',
    };
    const start = (extra: Record<string, string> = {}) =>
      startTwinlogProcess({ ...env, ...extra }, 240_000, 'tools/distributed/main.ts');
    running = await start();
    const workers = [...running.output().matchAll(/(http:\/\/127\.0\.0\.1:\d+)\/v1\/worker/g)].map(
      (m) => m[1]!,
    );
    expect(workers).toHaveLength(2);

    const seen = await seeThePlantWorking(running.url, 240_000);
    expect(Object.values(seen.anomalous.activeAnomalies)[0]!.evidence.length).toBeGreaterThan(0);
    expect(seen.prediction.rulLowHours).toBeLessThanOrEqual(seen.prediction.rulHighHours);
    expect(seen.scenario.status).toBe(200);
    // Both workers hold partitions and have judged readings.
    for (const worker of workers) {
      const { body } = await getJson<{ partitions: number[]; readingsJudged: number }>(
        `${worker}/v1/worker`,
      );
      expect(body.partitions.length).toBeGreaterThan(0);
      expect(body.readingsJudged).toBeGreaterThan(0);
    }
    // The alerting process is behind the gateway too, with no default rule when distributed.
    expect(await getJson(`${running.url}/v1/alert-rules`)).toMatchObject({
      status: 200,
      body: { rules: [] },
    });
    expect(twinlogCli(running.url, ['twins'])).toMatchObject({
      code: 0,
      out: expect.stringContaining('cnc-01'),
    });
    await running.stopCleanly();
    running = undefined;

    const snapshot = async (url: string) => ({
      twins: (await getJson(`${url}/v1/twins`)).body,
      machine: (await getJson(`${url}/v1/twins/cnc-01`)).body,
      prediction: (await getJson(`${url}/v1/twins/${seen.predicted}/maintenance`)).body,
    });
    running = await start({ TWINLOG_SIMULATOR: 'off' });
    const second = await settled(() => snapshot(running!.url));
    await running.stopCleanly();
    running = await start({ TWINLOG_SIMULATOR: 'off' });
    expect(await settled(() => snapshot(running!.url))).toEqual(second);
    expect((second.machine as { revision: number }).revision).toBeGreaterThanOrEqual(
      seen.live.revision,
    );
  });
});
