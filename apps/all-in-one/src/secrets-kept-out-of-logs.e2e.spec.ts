import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  distributedServiceEnv,
  freePort,
  type OpenAiCompatibleServer,
  realServer,
  repoRoot,
  startOpenAiCompatibleServer,
  tsRunner,
} from '@twinlog/testing';
import { eventually, getJson, startTwinlogProcess } from './testing/twinlog-process';

/**
 * Twinlog in distributed mode with every transport logged in (Kafka SCRAM, the InfluxDB token
 * from a mounted file, the MQTT login), its logs collected whole: no secret may appear in them,
 * nor in the messages of a refused login or a bad setting.
 */
describe('secrets never reach the logs', () => {
  jest.setTimeout(300_000);
  const kafka = realServer('kafka');
  const influx = realServer('influx');
  const mqtt = realServer('mqtt');
  if (!kafka.secured || !mqtt.users?.['twinlog-ingestion'])
    throw new Error('needs the test tooling’s own Kafka (SASL listeners) and mosquitto (users)');
  const mqttPassword = mqtt.users['twinlog-ingestion'];
  const address = new URL(mqtt.url);
  const secretsDir = mkdtempSync(join(tmpdir(), 'twinlog-secrets-'));
  const tokenFile = join(secretsDir, 'influx-token');
  writeFileSync(tokenFile, `${influx.token}\n`, { mode: 0o600 });
  // Alerting's: the installation key, the SMTP login, a webhook's signing secret and the
  // credential in its URL's path (as Slack's URLs carry one).
  const alertingKey = randomUUID().replace(/-/g, '').repeat(2);
  const smtpPassword = `smtp-${randomUUID()}`;
  const webhookSecret = `whsec-${randomUUID()}`;
  const webhookPathToken = `T0${randomUUID().replace(/-/g, '')}`;
  // The AI layer's key (docs/ai.md), sent to a model server that echoes it back in its errors.
  const openAiKey = `sk-${randomUUID()}`;
  let modelServer: OpenAiCompatibleServer;
  beforeAll(async () => {
    modelServer = await startOpenAiCompatibleServer();
    modelServer.otherwise({
      respond: (request) => ({
        status: 500,
        message: `no model here for ${String(request.headers['authorization'])}`,
      }),
    });
  });
  afterAll(() => modelServer?.close());
  const secrets = {
    'OpenAI API key': openAiKey,
    'Kafka password': kafka.secured.password,
    'InfluxDB token': influx.token,
    'MQTT password': mqttPassword,
    'alerting key': alertingKey,
    'SMTP password': smtpPassword,
    'webhook secret': webhookSecret,
    'webhook URL token': webhookPathToken,
  };

  const env = async (extra: Record<string, string> = {}) => ({
    ...distributedServiceEnv(`sec-${randomUUID().slice(0, 8)}.`),
    // Authentication on: the admin key it makes must stay out of the output too.
    TWINLOG_AUTH: 'on',
    KAFKA_BROKERS: kafka.secured!.saslBrokers.join(','),
    TWINLOG_KAFKA_SASL_MECHANISM: 'scram-sha-512',
    TWINLOG_KAFKA_USERNAME: kafka.secured!.username,
    TWINLOG_KAFKA_PASSWORD: kafka.secured!.password,
    INFLUX_TOKEN: '',
    INFLUX_TOKEN_FILE: tokenFile,
    MQTT_URL: `mqtt://${address.host}`,
    INGESTION_MQTT_USERNAME: 'twinlog-ingestion',
    INGESTION_MQTT_PASSWORD: mqttPassword,
    ALERTING_SECRET_KEY: alertingKey,
    // Nothing listens there: every email attempt fails, and is retried.
    ALERTING_SMTP_URL: `smtp://alerts:${smtpPassword}@127.0.0.1:${await freePort()}`,
    // Everything the clients say, so the net is wide.
    KAFKA_CLIENT_LOG_LEVEL: 'info',
    TWINLOG_LOG_FORMAT: 'json',
    TWINLOG_HTTP_PORT: String(await freePort()),
    TWINLOG_SIMULATOR_SPEED: '60',
    OPENAI_API_KEY: openAiKey,
    OPENAI_BASE_URL: modelServer.baseUrl,
    TWINLOG_AI_MAX_RETRIES: '0',
    ...extra,
  });
  const leaks = (output: string, more: Record<string, string> = {}) =>
    Object.entries({ ...secrets, ...more }).flatMap(([name, secret]) =>
      [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')].some((form) =>
        output.includes(form),
      )
        ? [name]
        : [],
    );

  it('runs with every transport logged in and prints none of their secrets', async () => {
    const settings: Record<string, string> = await env();
    const running = await startTwinlogProcess(settings, 180_000);
    const adminKey = readFileSync(join(settings['TWINLOG_DATA_DIR']!, 'admin.key'), 'utf8').trim();
    try {
      await eventually(
        () => getJson<{ twins?: unknown[] }>(`${running.url}/v1/twins`, adminKey),
        ({ status, body }) => status === 200 && (body.twins ?? []).length > 0,
        'the simulator’s twins, registered through the secured log',
        120_000,
      );
      await eventually(
        () =>
          getJson<{ input?: { connected?: boolean } }>(
            `${running.url}/v1/ingestion/mqtt`,
            adminKey,
          ),
        ({ body }) => body.input?.connected === true,
        'the MQTT input logged in',
        60_000,
      );
      // Channels whose targets fail (nothing listens), and a rule sending every cause to them.
      const post = (path: string, body: unknown) =>
        fetch(`${running.url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as { channelId: string },
        }));
      const webhook = await post('/v1/alert-channels', {
        kind: 'webhook',
        url: `http://127.0.0.1:${await freePort()}/hooks/${webhookPathToken}`,
        secret: webhookSecret,
      });
      expect(webhook.status).toBe(201);
      const email = await post('/v1/alert-channels', {
        kind: 'email',
        to: ['oncall@plant.example'],
      });
      expect(email.status).toBe(201);
      expect(
        (
          await post('/v1/alert-rules', {
            name: 'all',
            match: { minSeverity: 'info' },
            channels: [webhook.body.channelId, email.body.channelId],
          })
        ).status,
      ).toBe(201);
      await post(`/v1/alert-channels/${webhook.body.channelId}/test`, {});
      await fetch(`${running.url}/v1/readings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminKey}` },
        body: '{broken',
      });
      // AI asks the model server refuses, echoing the key: the errors are answered and logged.
      const ask = await post('/v1/simulations/ask', {
        twinId: 'cnc-01',
        ask: 'what if the coolant pump fails?',
      });
      expect(ask.status).toBe(502);
      expect(JSON.stringify(ask.body)).not.toContain(openAiKey);
      const report = await fetch(`${running.url}/v1/reports/maintenance?site=demo-plant`, {
        headers: { authorization: `Bearer ${adminKey}` },
      });
      expect(report.status).toBe(502);
      expect(await report.text()).not.toContain(openAiKey);
      expect(modelServer.chatRequests().length).toBeGreaterThanOrEqual(2);
    } finally {
      // Its stop's lines too. (The exit code is not this test's: the all-in-one's distributed
      // stop closes its consumers one after another and can pass its 30 s budget.)
      await running.stop();
    }
    const output = running.output();
    expect(output.length).toBeGreaterThan(500);
    expect(leaks(output, { 'admin API key': adminKey })).toEqual([]);
  });

  it('says a refused Kafka login plainly, with no password in the message', async () => {
    const wrong = `wrong-${randomUUID()}`;
    const result = spawnAllInOne(await env({ TWINLOG_KAFKA_PASSWORD: wrong }));
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/Kafka refused the credentials of user "twinlog-test"/);
    expect(leaks(result.output, { 'the wrong password': wrong })).toEqual([]);
  });

  it('names a bad setting without echoing a secret', async () => {
    const result = spawnAllInOne(
      await env({ TWINLOG_KAFKA_SASL_MECHANISM: 'plain', INFLUX_TOKEN: influx.token }),
    );
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/in the clear/);
    expect(result.output).toMatch(/INFLUX_TOKEN and INFLUX_TOKEN_FILE are both set/);
    expect(leaks(result.output)).toEqual([]);
  });
});

/** `npm start` run to its end (a start that fails), its stdout and stderr together. */
function spawnAllInOne(env: Record<string, string>): { status: number | null; output: string } {
  const result = spawnSync(
    process.execPath,
    [...tsRunner(), join(repoRoot(), 'apps/all-in-one/src/main.ts')],

    { cwd: repoRoot(), env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
