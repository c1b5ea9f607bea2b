import { randomUUID } from 'node:crypto';
import type { AlertView, DeliveryView } from '@twinlog/domain';
import { StructuredLogger, type Infrastructure } from '@twinlog/service-kit';
import { startSmtpServer, startWebhookReceiver, type WebhookReceiver } from '@twinlog/testing';
import {
  alertingEnv,
  anomalyCleared,
  anomalyDetected,
  line,
  openAlertingInfra,
  reading,
  registerPlant,
  replayedAlerts,
  startAlertingOn,
  TestClock,
  until,
  type AlertingUnderTest,
  type Mode,
} from './testing/alerting-harness';

// The alerting service end to end, on a real log: findings appended as the anomaly service
// appends them become alerts, notifications reach a receiver that checks each signature and
// counts deliveries by id, and everything survives the receiver and the service going away.

jest.setTimeout(180_000);

const SECRET = 'a-webhook-secret-of-some-length';

interface Rig {
  env: Record<string, string | undefined>;
  infra: Infrastructure;
  clock: TestClock;
  receiver: WebhookReceiver;
  alerting: AlertingUnderTest;
  channelId: string;
}

async function rig(
  mode: Mode,
  plant = line('line-1', 3),
  extra: Record<string, string> = {},
): Promise<Rig> {
  const env = alertingEnv(mode, randomUUID().slice(0, 8), extra);
  const infra = await openAlertingInfra(env);
  await registerPlant(infra.log, plant);
  const clock = new TestClock();
  // The receiver keeps the service's time, as one in sync with it would: a signature's t is
  // checked against the clock the test moves.
  const receiver = await startWebhookReceiver({
    secret: SECRET,
    now: () => Date.parse(clock.now()),
  });
  const alerting = await startAlertingOn(infra, env, clock);
  const channel = await alerting.call('POST', '/v1/alert-channels', {
    kind: 'webhook',
    url: receiver.url,
    secret: SECRET,
    name: 'on-call',
  });
  expect(channel.status).toBe(201);
  const rule = await alerting.call('POST', '/v1/alert-rules', {
    name: 'everything',
    match: { minSeverity: 'info' },
    channels: [channel.json.channelId],
  });
  expect(rule.status).toBe(201);
  return { env, infra, clock, receiver, alerting, channelId: channel.json.channelId };
}

async function teardown(r: Rig | undefined): Promise<void> {
  await r?.alerting.stop(true).catch(() => undefined);
  await r?.receiver.close();
}

const alertsOf = async (r: Rig, query = ''): Promise<AlertView[]> =>
  (await r.alerting.call('GET', `/v1/alerts${query}`)).json.alerts;
const deliveriesOf = async (r: Rig, query = ''): Promise<DeliveryView[]> =>
  (await r.alerting.call('GET', `/v1/alert-deliveries${query}`)).json.deliveries;
/** Delivery bodies the receiver accepted, by transition. */
const accepted = (receiver: WebhookReceiver) =>
  [...receiver.deliveries.values()]
    .filter((d) => d.accepted > 0)
    .map((d) => d.body as { transition: string; alertId: string });

describe.each<Mode>(['embedded', 'distributed'])('alerting (%s)', (mode) => {
  let r: Rig | undefined;
  afterEach(async () => {
    await teardown(r);
    r = undefined;
  });

  it('opens one alert from an anomaly, delivers it signed, and resolves it when the anomaly clears', async () => {
    r = await rig(mode);
    await r.infra.log.append([anomalyDetected('line-1-m01', 'ep-1')]);
    const [alert] = await until(
      () => alertsOf(r!, '?status=open'),
      (a) => a.length === 1,
      'the alert to open',
    );
    expect(alert).toMatchObject({ status: 'open', subject: 'line-1-m01', groupKey: 'line-1' });
    await until(
      () => accepted(r!.receiver),
      (b) => b.some((x) => x.transition === 'opened'),
      'the opened notification to arrive',
    );
    // A redelivered finding (at-least-once) changes nothing.
    await r.infra.log.append([anomalyDetected('line-1-m01', 'ep-1')]);
    await r.infra.log.append([anomalyCleared('line-1-m01', 'ep-1')]);
    await until(
      () => alertsOf(r!),
      (a) => a.length === 1 && a[0]!.status === 'resolved',
      'the alert to resolve',
    );
    await until(
      () => accepted(r!.receiver),
      (b) => b.some((x) => x.transition === 'resolved'),
      'the resolved notification to arrive',
    );
    expect(r.receiver.badSignatures).toBe(0);
    for (const [id, d] of r.receiver.deliveries) expect([id, d.accepted]).toEqual([id, 1]);
    const request = r.receiver.requests[0]!;
    expect(request.headers['x-twinlog-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(request.headers['user-agent']).toBe('Twinlog-Alerting/1');
    // Rebuilt by replay, the alerts and deliveries equal the live ones.
    await r.alerting.service.decisions.drained();
    const replayed = await replayedAlerts(r.infra.log);
    expect(replayed.alerts()).toEqual(r.alerting.service.decisions.projection.alerts());
    expect(replayed.deliveries()).toEqual(r.alerting.service.decisions.projection.deliveries());
  });

  it('notes readings from its first start on, never reading the telemetry history', async () => {
    const env = alertingEnv(mode, randomUUID().slice(0, 8));
    const infra = await openAlertingInfra(env);
    await registerPlant(infra.log, line('line-11', 1));
    await infra.log.append(Array.from({ length: 20 }, () => reading('line-11-m01')));
    const alerting = await startAlertingOn(infra, env, new TestClock());
    try {
      const { decisions } = alerting.service;
      await infra.log.append([reading('line-11-m01')]);
      await until(
        () => decisions.telemetryNoted,
        (n) => n >= 1,
        'the new reading noted',
      );
      await new Promise((done) => setTimeout(done, 1_000));
      expect(decisions.telemetryNoted).toBe(1);
    } finally {
      await alerting.stop(true);
    }
  });

  it('delivers every transition once the receiver is back, once per delivery id, across a restart mid-retry', async () => {
    r = await rig(mode);
    await r.receiver.down();
    await r.infra.log.append([anomalyDetected('line-1-m02', 'ep-2')]);
    const [alert] = await until(
      () => alertsOf(r!),
      (a) => a.length === 1,
      'the alert to open',
    );
    const ack = await r.alerting.call('POST', `/v1/alerts/${alert!.alertId}/acknowledge`, {
      note: 'on it',
    });
    expect(ack.status).toBe(200);
    // Retried while the receiver is down...
    await until(
      () => deliveriesOf(r!, '?status=pending'),
      (d) => d.length === 2 && d.every((x) => x.attempts >= 1),
      'both deliveries to have failed at least once',
    );
    // ...and the service restarts mid-retry: the pending deliveries are rebuilt from the log.
    await r.alerting.stop();
    r.alerting = await startAlertingOn(r.infra, r.env, r.clock);
    await r.infra.log.append([anomalyCleared('line-1-m02', 'ep-2')]);
    await until(
      () => alertsOf(r!),
      (a) => a[0]?.status === 'resolved',
      'the alert to resolve',
    );
    // Down for minutes on the service's clock: retries back off and go on meanwhile.
    r.clock.advance(4 * 60_000);
    await new Promise((done) => setTimeout(done, 1_000));
    r.clock.advance(4 * 60_000);
    await new Promise((done) => setTimeout(done, 500));
    await r.receiver.up();
    const all = await until(
      () => deliveriesOf(r!),
      (d) => d.length === 3 && d.every((x) => x.status === 'delivered'),
      'every delivery to be delivered',
    );
    expect(all.map((d) => d.transition).sort()).toEqual(['acknowledged', 'opened', 'resolved']);
    expect(
      accepted(r.receiver)
        .map((b) => b.transition)
        .sort(),
    ).toEqual(['acknowledged', 'opened', 'resolved']);
    expect(r.receiver.badSignatures).toBe(0);
    expect(r.receiver.deliveries.size).toBe(3);
    for (const [id, d] of r.receiver.deliveries) expect([id, d.accepted]).toEqual([id, 1]);
  });
});

describe('alerting (embedded)', () => {
  let r: Rig | undefined;
  afterEach(async () => {
    await teardown(r);
    r = undefined;
  });

  it('groups a line-wide fault into one alert with at most two notifications per channel', async () => {
    r = await rig('embedded', line('line-2', 16));
    const machines = Array.from(
      { length: 16 },
      (_, i) => `line-2-m${String(i + 1).padStart(2, '0')}`,
    );
    await r.infra.log.append(machines.map((m, i) => anomalyDetected(m, `dip-${i}`)));
    const [alert] = await until(
      () => alertsOf(r!),
      (a) => a.length === 1 && new Set(a[0]!.members.map((m) => m.twinId)).size === 16,
      'one alert with all 16 machines',
    );
    expect(alert).toMatchObject({ subject: 'line-2', groupKey: 'line-2' });
    expect(alert!.title).toContain('16 twins under line-2');
    // The group-update hold (1 s here) passes on the clock: the joins go out as one.
    r.clock.advance(2_000);
    const bodies = await until(
      () => accepted(r!.receiver),
      (b) => b.some((x) => x.transition === 'member-joined'),
      'the member-joined notification',
    );
    await new Promise((done) => setTimeout(done, 1_000));
    expect(accepted(r.receiver).length).toBeLessThanOrEqual(2);
    expect(bodies.map((b) => b.transition).sort()).toEqual(['member-joined', 'opened']);
  });

  it('escalates an alert nobody acknowledges, and not one someone did', async () => {
    r = await rig('embedded', line('line-3', 2));
    const pager = await startWebhookReceiver({
      secret: SECRET,
      now: () => Date.parse(r!.clock.now()),
    });
    try {
      const channel = await r.alerting.call('POST', '/v1/alert-channels', {
        kind: 'webhook',
        url: pager.url,
        secret: SECRET,
        name: 'pager',
      });
      const rules = await r.alerting.call('GET', '/v1/alert-rules');
      const rule = rules.json.rules[0];
      const set = await r.alerting.call('PUT', `/v1/alert-rules/${rule.ruleId}`, {
        name: rule.name,
        match: { minSeverity: 'info' },
        channels: rule.channels,
        escalation: [{ afterMinutes: 15, channels: [channel.json.channelId] }],
      });
      expect(set.status).toBe(200);
      await r.infra.log.append([anomalyDetected('line-3-m01', 'esc-1')]);
      await r.infra.log.append([anomalyDetected('line-3-m02', 'esc-3', 'warning')]);
      const alerts = await until(
        () => alertsOf(r!),
        (a) => a.length === 1,
        'the alert to open',
      );
      // A second, separate alert on another line: registered now, acknowledged at once.
      await registerPlant(r.infra.log, line('line-5', 1));
      await r.infra.log.append([anomalyDetected('line-5-m01', 'esc-4')]);
      const both = await until(
        () => alertsOf(r!),
        (a) => a.length === 2,
        'the second alert',
      );
      const acked = both.find((a) => a.groupKey === 'line-5')!;
      expect(
        (await r.alerting.call('POST', `/v1/alerts/${acked.alertId}/acknowledge`, {})).status,
      ).toBe(200);
      r.clock.advance(16 * 60_000);
      await until(
        () => alertsOf(r!),
        (a) => a.find((x) => x.alertId === alerts[0]!.alertId)?.escalations === 1,
        'the unacknowledged alert to escalate',
      );
      const pagerId = channel.json.channelId as string;
      const [paging] = await until(
        () => deliveriesOf(r!, `?channelId=${pagerId}`),
        (d) => d.length === 1 && d[0]!.status !== 'pending',
        'the escalation to the pager to be settled',
      );
      await new Promise((done) => setTimeout(done, 1_000));
      // Received signed (the receiver checks t against the same clock), accepted once, recorded.
      expect(pager.badSignatures).toBe(0);
      expect(paging).toMatchObject({ status: 'delivered', transition: 'escalated', attempts: 1 });
      expect([...pager.deliveries].map(([id, d]) => [id, d.accepted])).toEqual([
        [paging!.deliveryId, 1],
      ]);
      const paged = [...pager.deliveries.values()].map(
        (d) => d.body as { transition: string; alertId: string },
      );
      expect(paged).toEqual([
        expect.objectContaining({ transition: 'escalated', alertId: alerts[0]!.alertId }),
      ]);
      expect((await alertsOf(r)).find((a) => a.alertId === acked.alertId)?.escalations).toBe(0);
      // Grouped, escalated, acknowledged: the replay still rebuilds exactly what is live.
      await r.alerting.service.decisions.drained();
      const replayed = await replayedAlerts(r.infra.log);
      expect(replayed.alerts()).toEqual(r.alerting.service.decisions.projection.alerts());
      expect(replayed.deliveries()).toEqual(r.alerting.service.decisions.projection.deliveries());
    } finally {
      await pager.close();
    }
  });
});

describe('alerting (embedded): email, the default rule, silent twins', () => {
  let r: Rig | undefined;
  afterEach(async () => {
    await teardown(r);
    r = undefined;
  });

  it('sends an alert by email to the SMTP server', async () => {
    const smtp = await startSmtpServer();
    try {
      r = await rig('embedded', line('line-6', 1), { ALERTING_SMTP_URL: smtp.url });
      const channel = await r.alerting.call('POST', '/v1/alert-channels', {
        kind: 'email',
        to: ['oncall@plant.example'],
        name: 'mail',
      });
      expect(channel.status).toBe(201);
      expect(channel.json.display).toBe('plant.example');
      const rule = await r.alerting.call('POST', '/v1/alert-rules', {
        name: 'mail it',
        channels: [channel.json.channelId],
      });
      expect(rule.status).toBe(201);
      await r.infra.log.append([anomalyDetected('line-6-m01', 'mail-1')]);
      const [mail] = await until(
        () => smtp.messages,
        (m) => m.length >= 1,
        'the email',
      );
      expect(mail!.envelopeTo).toEqual(['oncall@plant.example']);
      const delivery = await until(
        () => deliveriesOf(r!, `?channelId=${channel.json.channelId}`),
        (d) => d[0]?.status === 'delivered',
        'the email delivery to be recorded',
      );
      expect(mail!.headers.get('x-twinlog-delivery')).toBe(delivery[0]!.deliveryId);
    } finally {
      await smtp.close();
    }
  });

  it('sends a test notification to a channel now, signed, and records no delivery', async () => {
    r = await rig('embedded', line('line-10', 1));
    const tested = await r.alerting.call('POST', `/v1/alert-channels/${r.channelId}/test`, {});
    expect(tested.status).toBe(200);
    expect(tested.json).toMatchObject({ ok: true, status: 200, error: null });
    expect(r.receiver.requests).toHaveLength(1);
    expect(r.receiver.requests[0]).toMatchObject({ signatureValid: true, status: 200 });
    expect(r.receiver.requests[0]!.deliveryId).toMatch(/^test-/);
    expect(await deliveriesOf(r)).toEqual([]);
    await r.receiver.down();
    const down = await r.alerting.call('POST', `/v1/alert-channels/${r.channelId}/test`, {});
    expect(down.json).toMatchObject({ ok: false, status: null });
    // The answer says what went wrong without the channel's URL (its path may be a credential).
    expect(down.json.error).not.toContain('/hooks/');
  });

  it('gives up on a delivery the receiver refuses (410), says so in the log, and redelivers it by hand', async () => {
    r = await rig('embedded', line('line-12', 1));
    const lines: string[] = [];
    await r.alerting.stop();
    r.alerting = await startAlertingOn(
      r.infra,
      r.env,
      r.clock,
      new StructuredLogger('alerting', 'json', (line) => lines.push(line)),
    );
    r.receiver.answer(410, { times: 1 });
    await r.infra.log.append([anomalyDetected('line-12-m01', 'gone-1')]);
    const [dead] = await until(
      () => deliveriesOf(r!, '?status=dead'),
      (d) => d.length === 1,
      'the delivery to die',
    );
    expect(dead).toMatchObject({ attempts: 1, lastError: expect.stringContaining('410') });
    await until(
      () => lines.filter((l) => l.includes(`delivery ${dead!.deliveryId}`)),
      (found) => found.length === 1,
      'the dead delivery logged',
    );
    expect(lines.join('\n')).not.toContain(r.receiver.url);
    expect(lines.join('\n')).not.toContain(SECRET);
    const again = await r.alerting.call(
      'POST',
      `/v1/alert-deliveries/${dead!.deliveryId}/redeliver`,
      {},
    );
    expect(again.status).toBe(202);
    await until(
      () => deliveriesOf(r!),
      (d) => d[0]?.status === 'delivered',
      'the redelivery',
    );
    const received = r.receiver.deliveries.get(dead!.deliveryId)!;
    expect(received).toMatchObject({ attempts: 2, accepted: 1 });
  });

  it("sets the demo's default rule once: every warning and above to every channel", async () => {
    r = await rig('embedded', line('line-7', 1), { ALERTING_DEFAULT_RULE: 'on' });
    const rules = async () => (await r!.alerting.call('GET', '/v1/alert-rules')).json.rules;
    expect((await rules()).map((x: { ruleId: string }) => x.ruleId).sort()).toEqual(
      expect.arrayContaining(['default']),
    );
    await r.alerting.stop();
    r.alerting = await startAlertingOn(r.infra, r.env, r.clock);
    const sets: string[] = [];
    await r.infra.log.replay({ streams: ['alerts'] }, async (batch) => {
      for (const { event } of batch)
        if (event.type === 'AlertRuleSet' && event.data.ruleId === 'default') sets.push(event.id);
    });
    expect(sets).toHaveLength(1);
    // The receiver's channel gets the warning through the default rule as well as its own.
    await r.infra.log.append([anomalyDetected('line-7-m01', 'demo-1', 'warning')]);
    const deliveries = await until(
      () => deliveriesOf(r!),
      (d) => d.length >= 1 && d.every((x) => x.status === 'delivered'),
      'the warning delivered',
    );
    // One delivery per channel, however many rules name it.
    expect(deliveries).toHaveLength(1);
  });

  it('opens a silence alert for twins that stop reporting, and clears it when readings resume', async () => {
    r = await rig('embedded', line('line-8', 2), { ALERTING_SILENT_AFTER_SECONDS: '60' });
    const report = (twinIds: string[]): void =>
      r!.alerting.service.decisions.onReadings(
        twinIds.map((twinId) => ({
          event: { twinId, recordedAt: r!.clock.now() } as never,
          position: { stream: 'telemetry', partition: 0, offset: 0 },
        })),
      );
    // The machines report; the line (a system twin with no sensors of its own) never does.
    report(['line-8-m01', 'line-8-m02']);
    r.clock.advance(61_000);
    const [alert] = await until(
      () => alertsOf(r!, '?status=open'),
      (a) => a.length === 1,
      'the silence alert',
    );
    expect(alert!.members.every((m) => m.cause.kind === 'silence')).toBe(true);
    expect(alert!.members.map((m) => m.twinId).sort()).toEqual(['line-8-m01', 'line-8-m02']);
    expect(alert!.groupKey).toBe('line-8');
    // A restart does not count the silent twins as just seen: the alert stays open.
    await r.alerting.stop();
    r.alerting = await startAlertingOn(r.infra, r.env, r.clock);
    await new Promise((done) => setTimeout(done, 1_000));
    expect((await alertsOf(r)).map((a) => a.status)).toEqual(['open']);
    // Both machines report again: the alert resolves.
    r.clock.advance(1_000);
    report(['line-8-m01', 'line-8-m02']);
    await until(
      () => alertsOf(r!),
      (a) => a[0]?.status === 'resolved',
      'the silence alert to resolve',
    );
  });
});

describe('alerting (distributed) without ALERTING_SECRET_KEY', () => {
  it('still runs and opens alerts, but refuses channels with 503 ALERTING_KEY_MISSING', async () => {
    const env = alertingEnv('distributed', randomUUID().slice(0, 8), { ALERTING_SECRET_KEY: '' });
    const infra = await openAlertingInfra(env);
    await registerPlant(infra.log, line('line-9', 1));
    const alerting = await startAlertingOn(infra, env, new TestClock());
    try {
      const refused = await alerting.call('POST', '/v1/alert-channels', {
        kind: 'webhook',
        url: 'https://hooks.example.com/x',
        secret: SECRET,
      });
      expect(refused.status).toBe(503);
      expect(refused.json.error).toMatchObject({
        code: 'ALERTING_KEY_MISSING',
        message: expect.stringContaining('ALERTING_SECRET_KEY'),
      });
      await infra.log.append([anomalyDetected('line-9-m01', 'nokey-1')]);
      await until(
        async () => (await alerting.call('GET', '/v1/alerts')).json.alerts,
        (a: unknown[]) => a.length === 1,
        'the alert to open without a key',
      );
    } finally {
      await alerting.stop(true);
    }
  });
});
