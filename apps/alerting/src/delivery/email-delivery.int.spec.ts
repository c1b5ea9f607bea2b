import { createServer, type AddressInfo, type Socket } from 'node:net';
import { startSmtpServer, type SmtpTestServer } from '@twinlog/testing';
import { Mailer } from './email-sender';
import { sendNotification } from './send-notification';
import { memberFixture, payloadFixture } from './testing/payload-fixture';

// Real SMTP: nodemailer's pooled transport to an smtp-server that parses what it accepts.
const user = { name: 'alerts', password: 'p@ss:w/rd' };
const to = ['ops@plant.example', 'anna@plant.example'];

describe('email delivery over real SMTP', () => {
  let smtp: SmtpTestServer;
  let mailer: Mailer;
  beforeEach(async () => {
    smtp = await startSmtpServer({ user });
    mailer = new Mailer({
      smtpUrl: smtp.url,
      from: 'Twinlog <twinlog@plant.example>',
      timeoutMs: 5_000,
    });
  });
  afterEach(async () => {
    mailer.close();
    await smtp.close();
  });

  it('arrives with the delivery header, a Message-ID from the delivery id, and readable text', async () => {
    const payload = payloadFixture({
      transition: 'member-joined',
      note: '<b>check the coolant</b>',
      alert: { members: Array.from({ length: 14 }, (_, i) => memberFixture(`pump-${i}`, i)) },
    });
    const outcome = await sendNotification({ kind: 'email', to }, payload, {
      timeoutMs: 5_000,
      mailer,
    });
    expect(outcome).toEqual({ ok: true, status: 250 });
    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0]!;
    expect(mail.envelopeTo).toEqual(to);
    expect(mail.envelopeFrom).toBe('twinlog@plant.example');
    expect(mail.headers.get('x-twinlog-delivery')).toBe(payload.deliveryId);
    expect(mail.messageId).toBe(`<${payload.deliveryId}@twinlog>`);
    expect(mail.subject).toBe('[Twinlog] [ALARM] 14 twins affected: Temperature high on cnc-7');
    for (const words of [
      'Where: twin cnc-7, site plant-a, under line-1',
      'Alert: alr-1',
      'Note: <b>check the coolant</b>',
      'pump-9: range anomaly on temperature',
      'and 4 more',
    ])
      expect(mail.text).toContain(words);
    expect(mail.html).toContain('&lt;b&gt;check the coolant&lt;/b&gt;');
  });

  it('a 4xx refusal is retried, a 5xx one is permanent, and mail flows again after', async () => {
    smtp.refuse(451);
    expect(await mailer.send(to, { subject: 's', text: 't', html: 'h' }, 'dlv-a')).toMatchObject({
      ok: false,
      status: 451,
      permanent: false,
    });
    smtp.refuse(550, 'mailbox unavailable');
    const refused = await mailer.send(to, { subject: 's', text: 't', html: 'h' }, 'dlv-b');
    expect(refused).toMatchObject({ ok: false, status: 550, permanent: true });
    expect(!refused.ok && refused.error).toMatch(/^SMTP 550: .*mailbox unavailable/);
    smtp.refuse(null);
    expect(await mailer.send(to, { subject: 's', text: 't', html: 'h' }, 'dlv-c')).toEqual({
      ok: true,
      status: 250,
    });
    expect(smtp.messages.map((m) => m.headers.get('x-twinlog-delivery'))).toEqual(['dlv-c']);
  });

  it('a wrong password is permanent, and the error never holds the credentials', async () => {
    const wrong = new Mailer({
      smtpUrl: smtp.url.replace(encodeURIComponent(user.password), 'wrong'),
      from: 'twinlog@plant.example',
      timeoutMs: 5_000,
    });
    try {
      const outcome = await wrong.send(to, { subject: 's', text: 't', html: 'h' }, 'dlv-d');
      expect(outcome).toMatchObject({ ok: false, status: 535, permanent: true });
      expect(JSON.stringify(outcome)).not.toMatch(/wrong|p%40ss|p@ss/);
    } finally {
      wrong.close();
    }
  });

  it('a server that is not there is retried, named by host only', async () => {
    await smtp.close();
    const outcome = await mailer.send(to, { subject: 's', text: 't', html: 'h' }, 'dlv-e');
    expect(outcome).toMatchObject({ ok: false, status: null, permanent: false });
    expect(!outcome.ok && outcome.error).toBe(`SMTP server 127.0.0.1:${smtp.port}: ECONNREFUSED`);
    smtp = await startSmtpServer({ user });
  });

  it('without ALERTING_SMTP_URL an email delivery waits (retryable), naming the setting', async () => {
    expect(
      await sendNotification({ kind: 'email', to }, payloadFixture(), { timeoutMs: 5_000 }),
    ).toEqual({
      ok: false,
      status: null,
      permanent: false,
      error: 'email is not set up: ALERTING_SMTP_URL is not set',
    });
  });

  it('a server that never greets is a retryable timeout', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    const slow = new Mailer({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      from: 'twinlog@plant.example',
      timeoutMs: 300,
    });
    try {
      const outcome = await slow.send(to, { subject: 's', text: 't', html: 'h' }, 'dlv-f');
      expect(outcome).toEqual({
        ok: false,
        status: null,
        permanent: false,
        error: `no answer from the SMTP server 127.0.0.1:${port} within 300 ms`,
      });
    } finally {
      slow.close();
      sockets.forEach((s) => s.destroy());
      await new Promise((r) => silent.close(r));
    }
  });
});
