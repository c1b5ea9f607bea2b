import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startWebhookReceiver, type WebhookReceiver } from '@twinlog/testing';
import type { ChannelTarget } from './channel-target';
import { DeliveryRunner } from './delivery-runner';
import { sendNotification } from './send-notification';
import { FakeDeliveries } from './testing/fake-deliveries';
import { payloadFixture } from './testing/payload-fixture';

// Real HTTP to a receiver on 127.0.0.1 that checks every signature with its own HMAC.
const secret = 'whsec_int_0123456789abcdef';
const options = { timeoutMs: 5_000 };

describe('webhook delivery over real HTTP', () => {
  let receiver: WebhookReceiver;
  let target: Extract<ChannelTarget, { kind: 'webhook' }>;
  beforeEach(async () => {
    receiver = await startWebhookReceiver({ secret });
    target = { kind: 'webhook', url: `${receiver.url}?token=query-secret`, secret };
  });
  afterEach(() => receiver.close());

  it('delivers the payload, signed, with the delivery id and the contract headers', async () => {
    const payload = payloadFixture({ note: 'héllo ✓ <b>' });
    expect(await sendNotification(target, payload, options)).toEqual({ ok: true, status: 200 });
    expect(receiver.badSignatures).toBe(0);
    const seen = receiver.deliveries.get(payload.deliveryId);
    expect(seen).toEqual({ attempts: 1, accepted: 1, body: payload });
    const headers = receiver.requests[0]!.headers;
    expect(headers['content-type']).toBe('application/json');
    expect(headers['user-agent']).toBe('Twinlog-Alerting/1');
    expect(headers['x-twinlog-delivery']).toBe(payload.deliveryId);
    expect(headers['x-twinlog-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it('a wrong secret is refused by the receiver, and that refusal is permanent', async () => {
    const outcome = await sendNotification(
      { ...target, secret: 'another-secret-0123456789' },
      payloadFixture(),
      options,
    );
    expect(outcome).toMatchObject({ ok: false, status: 401, permanent: true });
    expect(receiver.badSignatures).toBe(1);
  });

  it('503 is retried, and the retry is delivered under the same id', async () => {
    const payload = payloadFixture();
    receiver.answer(503, { times: 1 });
    expect(await sendNotification(target, payload, options)).toMatchObject({
      ok: false,
      status: 503,
      permanent: false,
      error: 'HTTP 503',
    });
    expect(await sendNotification(target, payload, options)).toEqual({ ok: true, status: 200 });
    expect(receiver.deliveries.get(payload.deliveryId)).toMatchObject({ attempts: 2, accepted: 1 });
  });

  it('a receiver down is retried; back up on the same port, it gets the delivery', async () => {
    const payload = payloadFixture();
    await receiver.down();
    const outcome = await sendNotification(target, payload, options);
    expect(outcome).toEqual({
      ok: false,
      status: null,
      permanent: false,
      error: `cannot reach http://127.0.0.1:${receiver.port}: ECONNREFUSED`,
    });
    await receiver.up();
    expect(await sendNotification(target, payload, options)).toEqual({ ok: true, status: 200 });
    expect(receiver.deliveries.get(payload.deliveryId)).toMatchObject({ attempts: 1, accepted: 1 });
  });

  it('410 Gone and other 4xx are permanent; a redirect is not followed', async () => {
    receiver.answer(410);
    expect(await sendNotification(target, payloadFixture(), options)).toMatchObject({
      ok: false,
      status: 410,
      permanent: true,
    });
    receiver.answer(404);
    expect(await sendNotification(target, payloadFixture(), options)).toMatchObject({
      ok: false,
      status: 404,
      permanent: true,
    });
    receiver.answer(302, { times: 1, location: `${receiver.url}/elsewhere` });
    expect(await sendNotification(target, payloadFixture(), options)).toMatchObject({
      ok: false,
      status: 302,
      permanent: true,
      error: 'HTTP 302: redirects are not followed',
    });
    expect(receiver.requests.filter((r) => r.status === 200)).toHaveLength(0);
  });

  it('honours Retry-After on 429, in seconds or as a date', async () => {
    receiver.answer(429, { times: 1, retryAfter: '7' });
    expect(await sendNotification(target, payloadFixture(), options)).toMatchObject({
      ok: false,
      status: 429,
      permanent: false,
      retryAfterSeconds: 7,
    });
    const now = new Date();
    receiver.answer(429, { times: 1, retryAfter: new Date(now.getTime() + 90_000).toUTCString() });
    const outcome = await sendNotification(target, payloadFixture(), {
      ...options,
      now: () => now,
    });
    expect(outcome).toMatchObject({ ok: false, status: 429, permanent: false });
    expect(!outcome.ok && outcome.retryAfterSeconds).toBeGreaterThanOrEqual(89);
    expect(!outcome.ok && outcome.retryAfterSeconds).toBeLessThanOrEqual(90);
  });

  it('a receiver slower than the timeout is a retryable failure', async () => {
    receiver.delay(3_000);
    const outcome = await sendNotification(target, payloadFixture(), { timeoutMs: 300 });
    expect(outcome).toEqual({
      ok: false,
      status: null,
      permanent: false,
      error: `no answer from http://127.0.0.1:${receiver.port} within 300 ms`,
    });
  });

  it('errors never carry the URL’s path, query or the secret', async () => {
    await receiver.down();
    receiver.answer(500);
    const texts = [JSON.stringify(await sendNotification(target, payloadFixture(), options))];
    await receiver.up();
    texts.push(JSON.stringify(await sendNotification(target, payloadFixture(), options)));
    for (const text of texts) expect(text).not.toMatch(/hooks|query-secret|whsec/);
  });

  it('Slack and Teams get their formats, with the delivery id header', async () => {
    const chat = await startWebhookReceiver();
    try {
      const payload = payloadFixture();
      expect(await sendNotification({ kind: 'slack', url: chat.url }, payload, options)).toEqual({
        ok: true,
        status: 200,
      });
      expect(
        await sendNotification(
          { kind: 'teams', url: chat.url },
          { ...payload, deliveryId: 'dlv-teams' },
          options,
        ),
      ).toEqual({ ok: true, status: 200 });
      const slack = chat.deliveries.get(payload.deliveryId)!.body as {
        text: string;
        blocks: unknown[];
      };
      expect(slack.text).toBe('[ALARM] Opened: Temperature high on cnc-7');
      expect(slack.blocks.length).toBeGreaterThan(1);
      const teams = chat.deliveries.get('dlv-teams')!.body as {
        type: string;
        attachments: Array<{ contentType: string; content: { type: string; version: string } }>;
      };
      expect(teams.type).toBe('message');
      expect(teams.attachments).toHaveLength(1);
      expect(teams.attachments[0]).toMatchObject({
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: { type: 'AdaptiveCard', version: '1.4' },
      });
    } finally {
      await chat.close();
    }
  });
});

describe('an endless answer', () => {
  let server: Server;
  afterEach(() => new Promise((r) => server.close(r)));

  it('is read only in part: the attempt ends with a short error', async () => {
    let written = 0;
    server = createServer((_req, res) => {
      res.writeHead(500);
      const chunk = 'x'.repeat(64 * 1024);
      const write = () => {
        do written += chunk.length;
        while (res.write(chunk));
        res.once('drain', write);
      };
      write();
      res.on('close', () => res.removeAllListeners('drain'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const outcome = await sendNotification({ kind: 'slack', url }, payloadFixture(), {
      timeoutMs: 20_000,
    });
    expect(outcome).toMatchObject({ ok: false, status: 500, permanent: false });
    // The reader let go after a few kilobytes: the server could only fill the socket buffers.
    expect(written).toBeLessThan(16 * 1024 * 1024);
    expect(!outcome.ok && outcome.error.length).toBeLessThanOrEqual(140);
    server.closeAllConnections();
  });
});

describe('the runner against a real receiver', () => {
  let receiver: WebhookReceiver;
  beforeEach(async () => (receiver = await startWebhookReceiver({ secret })));
  afterEach(() => receiver.close());

  it('keeps to its concurrency and delivers each delivery exactly once', async () => {
    receiver.delay(150);
    const deliveries = new FakeDeliveries(12);
    const runner = new DeliveryRunner({
      ...deliveries,
      targetOf: () => ({ kind: 'webhook', url: receiver.url, secret }),
      concurrency: 3,
      timeoutMs: 5_000,
      now: () => new Date(),
    });
    const ticker = setInterval(() => runner.tick(), 20);
    try {
      await waitFor(() => deliveries.left === 0, 'every delivery recorded');
    } finally {
      clearInterval(ticker);
      await runner.stop(1_000);
    }
    expect(receiver.maxConcurrent).toBeLessThanOrEqual(3);
    expect(receiver.maxConcurrent).toBeGreaterThan(1);
    expect(receiver.deliveries.size).toBe(12);
    for (const seen of receiver.deliveries.values())
      expect(seen).toMatchObject({ attempts: 1, accepted: 1 });
  });

  it('through an outage: retried while down, each delivered once when it is back', async () => {
    await receiver.down();
    const deliveries = new FakeDeliveries(5);
    const runner = new DeliveryRunner({
      ...deliveries,
      targetOf: () => ({ kind: 'webhook', url: receiver.url, secret }),
      concurrency: 8,
      timeoutMs: 5_000,
    });
    runner.tick();
    await waitFor(() => deliveries.recorded.length >= 5, 'five failed attempts');
    expect(deliveries.recorded.every((r) => !r.outcome.ok && !r.outcome.permanent)).toBe(true);
    await receiver.up();
    runner.tick();
    await waitFor(() => deliveries.left === 0, 'every delivery recorded');
    await runner.stop(1_000);
    expect(receiver.deliveries.size).toBe(5);
    for (const seen of receiver.deliveries.values())
      expect(seen).toEqual(expect.objectContaining({ attempts: 1, accepted: 1 }));
  });

  it('stopping aborts a hung attempt and records nothing for it', async () => {
    receiver.delay(30_000);
    const deliveries = new FakeDeliveries(1);
    const runner = new DeliveryRunner({
      ...deliveries,
      targetOf: () => ({ kind: 'webhook', url: receiver.url, secret }),
      concurrency: 8,
      timeoutMs: 60_000,
    });
    runner.tick();
    await waitFor(() => receiver.maxConcurrent === 1, 'the attempt to arrive');
    await runner.stop(200);
    expect(runner.running).toBe(0);
    expect(deliveries.recorded).toEqual([]);
  });
});

async function waitFor(done: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
