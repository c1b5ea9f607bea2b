import { mkdtempSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertAcknowledged, alertOpened } from '@twinlog/event-log/testing';
import { ensureBootstrapKey } from '@twinlog/service-kit';
import { distributedServiceEnv, openSse, type SseConnection } from '@twinlog/testing';
import { startInProcessTwinlog, type InProcessTwinlog } from './testing/in-process-twinlog';

// The live stream through the one port, as tools reach it (issue 19's contract): text/event-
// stream with id lines, in both modes, past HTTP deadlines shorter than the stream; a reading
// accepted by ingestion reaches it, and so does an alert appended to the alerts stream; and
// with authentication on, a caller sees only its sites (an alert's too).

jest.setTimeout(180_000);

const SHORT_DEADLINES = {
  // Not much shorter: the idle deadline also cuts a slow command's silent socket (Kafka mode).
  TWINLOG_HTTP_REQUEST_TIMEOUT_MS: '3000',
  TWINLOG_HTTP_IDLE_TIMEOUT_MS: '3000',
  TWIN_STATE_STREAM_HEARTBEAT_MS: '300',
};
const commissionedAt = new Date(Date.now() - 86_400_000).toISOString();

async function post(base: string, path: string, body: unknown, headers = {}) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const reading = (twinId: string, value: number) => ({
  readings: [
    {
      twinId,
      readingId: randomUUID(),
      property: 'temperature',
      value,
      unit: '°C',
      time: new Date().toISOString(),
    },
  ],
});

describe.each(['embedded', 'kafka'] as const)('the live stream at the one port (%s)', (mode) => {
  let twinlog: InProcessTwinlog;
  beforeAll(async () => {
    twinlog = await startInProcessTwinlog({
      env: {
        ...(mode === 'kafka' ? distributedServiceEnv(`ls-${randomUUID().slice(0, 8)}.`) : {}),
        ...SHORT_DEADLINES,
      },
      gatewayTimeouts: { requestTimeoutMs: 3_000, idleTimeoutMs: 3_000 },
    });
    const registered = await post(twinlog.url, '/v1/twins', {
      twinId: 'mill-1',
      twinType: 'cnc-milling-machine',
      site: 'plant-a',
      commissionedAt,
    });
    expect(registered.status).toBe(201);
  });
  afterAll(async () => twinlog?.close());

  it('answers text/event-stream with id lines, outlives the deadlines, and carries an accepted reading', async () => {
    const stream = await openSse(`${twinlog.url}/v1/stream?twin=mill-1`);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(stream.openId).toMatch(/^[0-9a-z.]+_[0-9a-z.]+_[0-9a-z.]+$/);
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(stream.ended).toBe(false);
    expect(stream.comments).toContain('keep-alive');
    const accepted = await post(twinlog.url, '/v1/readings', reading('mill-1', 41.5));
    expect(accepted.status).toBeLessThan(300);
    // (In Kafka mode the registration itself may arrive first.)
    const readings = (c: SseConnection) =>
      c.messages.filter((m) => m.data.includes('"event":"TelemetryReported"'));
    await stream.until((c) => readings(c).length > 0);
    const [message] = readings(stream);
    expect(message!.event).toBe('state-changed');
    expect(message!.id).toMatch(/^[0-9a-z.]+_[0-9a-z.]+_[0-9a-z.]+$/);
    expect(JSON.parse(message!.data)).toMatchObject({
      twinId: 'mill-1',
      site: 'plant-a',
      event: 'TelemetryReported',
      data: { readings: [{ property: 'temperature', value: 41.5 }] },
    });
    stream.close();
  });

  it("carries an alert's life from the alerts stream: alert-opened, then alert-changed", async () => {
    const stream = await openSse(
      `${twinlog.url}/v1/stream?twin=mill-1&types=alert-opened,alert-changed`,
    );
    expect(stream.status).toBe(200);
    const alertId = `alert-${randomUUID().slice(0, 8)}`;
    await twinlog.infra.log.append([alertOpened('mill-1', alertId, { site: 'plant-a' })]);
    await twinlog.infra.log.append([alertAcknowledged('mill-1', alertId)]);
    await stream.until((c) => c.messages.length >= 2);
    const [opened, acknowledged] = stream.messages;
    expect(opened!.event).toBe('alert-opened');
    expect(JSON.parse(opened!.data)).toMatchObject({
      twinId: 'mill-1',
      site: 'plant-a',
      event: 'AlertOpened',
      data: { alertId, groupKey: 'mill-1', member: { twinId: 'mill-1' } },
    });
    expect(acknowledged!.event).toBe('alert-changed');
    expect(JSON.parse(acknowledged!.data)).toMatchObject({
      event: 'AlertAcknowledged',
      data: { alertId },
    });
    // A client resuming from before the alert gets it again, exactly (the ids count alerts).
    const resumed = await openSse(
      `${twinlog.url}/v1/stream?twin=mill-1&types=alert-opened,alert-changed`,
      { 'last-event-id': stream.openId! },
    );
    await resumed.until((c) => c.messages.length >= 2);
    expect(resumed.messages.map((m) => m.id)).toEqual(stream.messages.map((m) => m.id));
    stream.close();
    resumed.close();
  });
});

describe('the live stream with authentication on, two sites', () => {
  let twinlog: InProcessTwinlog;
  let admin: string;
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  const keyFor = async (sites: string[] | '*') => {
    const created = await post(
      twinlog.url,
      '/v1/admin/keys',
      { name: `viewer ${String(sites)}`, role: 'viewer', sites },
      bearer(admin),
    );
    expect(created.status).toBe(201);
    return created.json['key'] as string;
  };

  beforeAll(async () => {
    twinlog = await startInProcessTwinlog({
      env: { TWINLOG_AUTH: 'on', TWINLOG_KEYS_REFRESH_MS: '200' },
    });
    const file = join(mkdtempSync(join(tmpdir(), 'twinlog-keys-')), 'admin.key');
    admin = readFileSync(
      (await ensureBootstrapKey(twinlog.infra.log.accessKeys, file, true)).file,
      'utf8',
    ).trim();
    for (const [twinId, site] of [
      ['mill-a', 'plant-a'],
      ['mill-b', 'plant-b'],
    ] as const) {
      const r = await post(
        twinlog.url,
        '/v1/twins',
        { twinId, twinType: 'cnc-milling-machine', site, commissionedAt },
        bearer(admin),
      );
      expect(r.status).toBe(201);
    }
  });
  afterAll(async () => twinlog?.close());

  it('refuses a stream without a credential', async () => {
    const answer = await openSse(`${twinlog.url}/v1/stream`);
    expect(answer.status).toBe(401);
  });

  it("sends each viewer only its sites' twins, and refuses a site it may not see", async () => {
    const [siteA, siteB, every] = await Promise.all([
      keyFor(['plant-a']),
      keyFor(['plant-b']),
      keyFor('*'),
    ]);
    // Keys are re-read every 200 ms by each service.
    await new Promise((resolve) => setTimeout(resolve, 600));
    const open = (key: string, query = '') =>
      openSse(`${twinlog.url}/v1/stream${query}`, bearer(key));
    const streams: SseConnection[] = [await open(siteA), await open(siteB), await open(every)];
    const asked = await open(siteA, '?site=plant-b');
    expect(asked.status).toBe(403);
    for (const [twinId, value] of [
      ['mill-a', 40],
      ['mill-b', 50],
    ] as const) {
      const r = await post(twinlog.url, '/v1/readings', reading(twinId, value), bearer(admin));
      expect(r.status).toBeLessThan(300);
    }
    // The readings' state changes (other services may add their findings to the stream).
    const twins = (c: SseConnection) =>
      c.messages
        .map((m) => JSON.parse(m.data) as { twinId: string; event: string })
        .filter((d) => d.event === 'TelemetryReported')
        .map((d) => d.twinId);
    await streams[2]!.until((c) => twins(c).length === 2);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(twins(streams[0]!)).toEqual(['mill-a']);
    expect(twins(streams[1]!)).toEqual(['mill-b']);
    expect(twins(streams[2]!).sort()).toEqual(['mill-a', 'mill-b']);

    // An alert of plant-a reaches plant-a's viewer and the all-sites one, not plant-b's.
    await twinlog.infra.log.append([alertOpened('mill-a', 'alert-a', { site: 'plant-a' })]);
    const alerts = (c: SseConnection) =>
      c.messages.filter((m) => m.event === 'alert-opened').map((m) => JSON.parse(m.data).twinId);
    await streams[0]!.until((c) => alerts(c).length === 1);
    await streams[2]!.until((c) => alerts(c).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(alerts(streams[0]!)).toEqual(['mill-a']);
    expect(alerts(streams[1]!)).toEqual([]);
    streams.forEach((s) => s.close());
  });
});
