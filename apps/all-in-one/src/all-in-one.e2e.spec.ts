import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startWebhookReceiver, until } from '@twinlog/testing';
import { twinlogCli } from './testing/cli';
import { seeThePlantWorking } from './testing/plant-checks';
import {
  getJson,
  settled,
  startTwinlogProcess,
  type TwinlogProcess,
} from './testing/twinlog-process';

describe('npm start (embedded, all in one process)', () => {
  jest.setTimeout(600_000);
  let running: TwinlogProcess | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it('shows live values, an anomaly, a prediction and a what-if answer, and keeps its state across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'twinlog-e2e-'));
    const port = await freePort();
    const env = {
      TWINLOG_MODE: 'embedded',
      TWINLOG_DATA_DIR: dataDir,
      TWINLOG_HTTP_PORT: String(port),
      TWINLOG_LOG_FORMAT: 'json',
      // A minute of plant time per second: the demo faults show within a couple of minutes.
      TWINLOG_SIMULATOR_SPEED: '60',
    };
    running = await startTwinlogProcess(env);
    expect(running.output()).toContain(`data kept in ${dataDir}`);
    // Secure by default, still nothing to type: the first start made an admin key, readable by
    // its owner only, which the plant simulator and the CLI find by themselves.
    const keyFile = join(dataDir, 'admin.key');
    expect(running.output()).toContain(`created an admin API key in ${keyFile}`);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const key = readFileSync(keyFile, 'utf8').trim();
    const ready = await getJson<{ ready: boolean }>(`${running.url}/health/ready`);
    expect(ready).toEqual({ status: 200, body: expect.objectContaining({ ready: true }) });
    expect((await getJson(`${running.url}/v1/twins`)).status).toBe(401);

    // A newcomer adds a webhook: the demo's default rule sends the plant's faults to it.
    const receiver = await startWebhookReceiver({ secret: 'the-newcomers-webhook-secret' });
    const channel = await fetch(`${running.url}/v1/alert-channels`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'webhook',
        url: receiver.url,
        secret: 'the-newcomers-webhook-secret',
      }),
    });
    expect(channel.status).toBe(201);

    const seen = await seeThePlantWorking(running.url, 240_000, key);
    const [episode] = Object.values(seen.anomalous.activeAnomalies);
    expect(episode!.evidence.length).toBeGreaterThan(0);
    expect(seen.prediction.rulLowHours).toBeLessThanOrEqual(seen.prediction.rulHours);
    expect(seen.prediction.rulHours).toBeLessThanOrEqual(seen.prediction.rulHighHours);
    expect(seen.prediction.healthIndex).toBeLessThan(100);
    expect(seen.scenario.status).toBe(200);
    expect(seen.scenario.body).toHaveProperty('trajectory');
    expect(seen.process.parentId).toBeNull();
    for (const property of ['availability', 'performance', 'quality', 'oee'])
      expect(seen.process.reported[property]).toMatchObject({
        unit: '1',
        value: expect.any(Number),
      });
    // The same, at a terminal.
    const cli = (...args: string[]) =>
      twinlogCli(running!.url, args, { TWINLOG_DATA_DIR: dataDir });
    expect(cli('twins')).toMatchObject({ code: 0, out: expect.stringContaining('cnc-01-tool') });
    expect(JSON.parse(cli('twin', 'cnc-01', '--json').out)).toMatchObject({ twinId: 'cnc-01' });
    // Episodes open and close while the plant runs: what is listed is whatever is open now.
    const anomalies = cli('anomalies', '--json');
    expect(anomalies.code).toBe(0);
    const open = anomalies.out
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    for (const episode of open)
      expect(episode).toMatchObject({
        event: 'open',
        twinId: expect.any(String),
        detector: expect.any(String),
        evidence: expect.any(Array),
      });
    expect(cli('anomalies').out).toMatch(
      /^(open\s+\S+\s+\S+\s+(info|warning|alarm|critical) |No open anomalies)/m,
    );
    expect(cli('maintenance', seen.predicted)).toMatchObject({
      code: 0,
      out: expect.stringContaining('remaining useful life'),
    });
    expect(cli('twin', 'no-such-twin')).toMatchObject({
      code: 1,
      err: expect.stringContaining('TWIN_NOT_FOUND'),
    });
    const whatIf = cli(
      'simulate',
      '--twin',
      'cnc-01',
      '--horizon',
      '2h',
      '--perturb',
      'fail cooling_capacity 10% at 0',
    );
    expect([0, 1]).toContain(whatIf.code);
    // The demo's faults reached the webhook, signed, within minutes.
    await until(
      () => [...receiver.deliveries.values()].filter((d) => d.accepted > 0).length,
      (n) => n >= 1,
      'a signed alert delivery at the webhook',
      180_000,
    );
    expect(receiver.badSignatures).toBe(0);
    await receiver.close();
    // Every line is one JSON object naming its service.
    const logLines = running
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(3);
    for (const line of logLines) expect(JSON.parse(line)).toHaveProperty('service');

    await running.stopCleanly();
    running = undefined;

    // Restarted without the simulator, twice: the log replays to the same state each time.
    const quiet = { ...env, TWINLOG_SIMULATOR: 'off' };
    const snapshot = async (url: string) => ({
      twins: (await getJson(`${url}/v1/twins`, key)).body,
      machine: (await getJson(`${url}/v1/twins/cnc-01`, key)).body,
      anomalous: (await getJson(`${url}/v1/twins/${seen.anomalous.twinId}`, key)).body,
      prediction: (await getJson(`${url}/v1/twins/${seen.predicted}/maintenance`, key)).body,
    });
    running = await startTwinlogProcess(quiet);
    const second = await settled(() => snapshot(running!.url));
    await running.stopCleanly();
    running = await startTwinlogProcess(quiet);
    const third = await settled(() => snapshot(running!.url));
    expect(third).toEqual(second);
    // Nothing seen before the first stop was lost.
    const machine = second.machine as {
      revision: number;
      reported: Record<string, { occurredAt: string }>;
    };
    expect(machine.revision).toBeGreaterThanOrEqual(seen.live.revision);
    expect(Date.parse(machine.reported['temperature']!.occurredAt)).toBeGreaterThanOrEqual(
      Date.parse(seen.live.reported['temperature']!.occurredAt),
    );
    expect((second.prediction as { prediction: unknown }).prediction).not.toBeNull();
  });
});
