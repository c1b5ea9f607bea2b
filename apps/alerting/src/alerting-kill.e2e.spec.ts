import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeliveryView } from '@twinlog/domain';
import { repoRoot, startWebhookReceiver, tsRunner, until } from '@twinlog/testing';
import {
  alertingEnv,
  anomalyCleared,
  anomalyDetected,
  line,
  openAlertingInfra,
  registerPlant,
} from './testing/alerting-harness';

// The alerting service as its own process on Kafka, SIGKILLed while its deliveries are being
// retried (the receiver is down): started again, it rebuilds the pending deliveries from the
// log and delivers every transition once the receiver is back, once per delivery id.

jest.setTimeout(240_000);

const SECRET = 'a-webhook-secret-of-some-length';

interface ServiceProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

async function startProcess(env: Record<string, string | undefined>): Promise<ServiceProcess> {
  const child = spawn(
    process.execPath,
    [...tsRunner(), join(repoRoot(), 'apps/alerting/src/main.ts')],
    { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = await until(
    () => /alerting listening on (http:\/\/\S+)/.exec(output)?.[1],
    (found) => found !== undefined,
    'the alerting process to listen',
    120_000,
  ).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output}`);
  });
  // Listening is not ready: the projection is rebuilt first.
  await until(
    () =>
      fetch(`${url}/health/ready`)
        .then((r) => r.status)
        .catch(() => 0),
    (status) => status === 200,
    'the alerting process to be ready',
    120_000,
  );
  return { child, url: url!, exited };
}

async function call(url: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests probe the JSON freely
  return { status: response.status, json: (text ? JSON.parse(text) : undefined) as any };
}

it('loses nothing when SIGKILLed mid-retry: every transition delivered once after the restart', async () => {
  const env = alertingEnv('distributed', randomUUID().slice(0, 8));
  const infra = await openAlertingInfra(env);
  const receiver = await startWebhookReceiver({ secret: SECRET });
  let running: ServiceProcess | undefined;
  try {
    await registerPlant(infra.log, line('line-k', 2));
    // Its own data directory (the index of its log), kept across the kill as a pod's would be.
    const own = { ...env, TWINLOG_DATA_DIR: mkdtempSync(join(tmpdir(), 'twinlog-alerting-kill-')) };
    running = await startProcess(own);
    const channel = await call(running.url, 'POST', '/v1/alert-channels', {
      kind: 'webhook',
      url: receiver.url,
      secret: SECRET,
    });
    expect(channel.status).toBe(201);
    expect(
      (
        await call(running.url, 'POST', '/v1/alert-rules', {
          name: 'all',
          channels: [channel.json.channelId],
        })
      ).status,
    ).toBe(201);
    await receiver.down();
    await infra.log.append([anomalyDetected('line-k-m01', 'kill-1')]);
    const deliveries = (url: string) =>
      call(url, 'GET', '/v1/alert-deliveries').then((a) => a.json.deliveries as DeliveryView[]);
    await until(
      () => deliveries(running!.url),
      (d) => d.length === 1 && d[0]!.attempts >= 2,
      'the opened notification retried',
    );
    running.child.kill('SIGKILL');
    await running.exited;
    // Meanwhile the anomaly clears: the causes group takes it up after the restart.
    await infra.log.append([anomalyCleared('line-k-m01', 'kill-1')]);
    running = await startProcess(own);
    await receiver.up();
    const all = await until(
      () => deliveries(running!.url),
      (d) => d.length === 2 && d.every((x) => x.status === 'delivered'),
      'both transitions delivered after the restart',
      120_000,
    );
    expect(all.map((d) => d.transition).sort()).toEqual(['opened', 'resolved']);
    expect(receiver.badSignatures).toBe(0);
    expect([...receiver.deliveries.keys()].sort()).toEqual(all.map((d) => d.deliveryId).sort());
    for (const [id, d] of receiver.deliveries) expect([id, d.accepted]).toEqual([id, 1]);
  } finally {
    running?.child.kill('SIGTERM');
    await running?.exited;
    await receiver.close();
    await infra.close();
  }
});
