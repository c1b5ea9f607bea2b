import type { NotificationPayload } from '@twinlog/domain';
import type { ChannelTarget } from './channel-target';
import type { DeliveryOutcome } from './delivery-outcome';
import { DeliveryRunner } from './delivery-runner';
import type { SendOptions } from './send-notification';
import { SealedTargetError } from './target-sealing';
import { FakeDeliveries } from './testing/fake-deliveries';

const target: ChannelTarget = {
  kind: 'webhook',
  url: 'http://127.0.0.1:1/x',
  secret: 's'.repeat(16),
};
const settle = () => new Promise((r) => setImmediate(r));

/** A sender whose attempts wait until the test lets them finish. */
class HeldSender {
  readonly started: string[] = [];
  private readonly waiting = new Map<string, (o: DeliveryOutcome) => void>();
  running = 0;
  maxRunning = 0;

  send = (
    _t: ChannelTarget,
    payload: NotificationPayload,
    options: SendOptions,
  ): Promise<DeliveryOutcome> => {
    this.started.push(payload.deliveryId);
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    return new Promise<DeliveryOutcome>((resolve) => {
      let settled = false;
      const done = (o: DeliveryOutcome) => {
        if (settled) return;
        settled = true;
        this.running -= 1;
        resolve(o);
      };
      this.waiting.set(payload.deliveryId, done);
      options.signal?.addEventListener('abort', () =>
        done({ ok: false, status: null, error: 'aborted', permanent: false }),
      );
    });
  };

  finish(deliveryId: string, outcome: DeliveryOutcome = { ok: true, status: 200 }): void {
    const done = this.waiting.get(deliveryId);
    this.waiting.delete(deliveryId);
    done?.(outcome);
  }

  finishAll(): void {
    for (const id of [...this.waiting.keys()]) this.finish(id);
  }
}

describe('DeliveryRunner', () => {
  it('asks for only as many due deliveries as it has free slots, leaving out those in flight (review 20 #6)', async () => {
    const deliveries = new FakeDeliveries(5_000);
    const sender = new HeldSender();
    const runner = new DeliveryRunner({
      ...deliveries,
      targetOf: () => target,
      concurrency: 8,
      timeoutMs: 1000,
      now: () => new Date('2026-12-06T10:00:00.000Z'),
      send: sender.send,
    });
    expect(runner.tick()).toBe(8);
    expect(deliveries.asked).toEqual([8]);
    sender.finish('dlv-0000');
    await settle();
    // The freed slot is refilled with the next one, not one already in flight.
    expect(deliveries.asked).toEqual([8, 1]);
    expect(sender.started).toHaveLength(9);
    expect(sender.started[8]).toBe('dlv-0008');
    sender.finishAll();
    await runner.stop(100);
  });

  it('keeps at most `concurrency` attempts in flight, and refills a freed slot at once', async () => {
    const deliveries = new FakeDeliveries(20);
    const sender = new HeldSender();
    const runner = new DeliveryRunner({
      ...deliveries,
      targetOf: () => target,
      concurrency: 3,
      timeoutMs: 1000,
      send: sender.send,
      now: () => new Date(),
    });
    expect(runner.tick()).toBe(3);
    expect(runner.tick()).toBe(0);
    expect(runner.running).toBe(3);
    sender.finish('dlv-0000');
    await settle();
    expect(sender.started).toHaveLength(4);
    while (deliveries.left > 0) {
      sender.finishAll();
      await settle();
    }
    expect(sender.maxRunning).toBe(3);
    expect(deliveries.recorded).toHaveLength(20);
    expect(new Set(sender.started).size).toBe(20);
  });

  it('never attempts one delivery twice at once, even while its outcome is being recorded', async () => {
    const deliveries = new FakeDeliveries(2);
    const sender = new HeldSender();
    let releaseRecord: () => void = () => undefined;
    const record = (id: string, o: DeliveryOutcome, j: number) =>
      new Promise<void>(
        (resolve) => (releaseRecord = () => void deliveries.record(id, o, j).then(resolve)),
      );
    const runner = new DeliveryRunner({
      due: deliveries.due,
      record,
      targetOf: () => target,
      concurrency: 8,
      timeoutMs: 1000,
      send: sender.send,
    });
    expect(runner.tick()).toBe(2);
    for (let i = 0; i < 5; i++) expect(runner.tick()).toBe(0);
    sender.finish('dlv-0000', { ok: false, status: 503, error: 'HTTP 503', permanent: false });
    await settle();
    // The outcome is not recorded yet: still in flight.
    expect(runner.tick()).toBe(0);
    releaseRecord();
    await settle();
    await settle();
    // Recorded as retryable: due again, so the next tick attempts it again.
    expect(runner.tick()).toBe(1);
    expect(sender.started).toEqual(['dlv-0000', 'dlv-0001', 'dlv-0000']);
  });

  it('records a deleted channel as a permanent failure, an unopenable target as a retryable one', async () => {
    const deliveries = new FakeDeliveries(2);
    const runner = new DeliveryRunner({
      ...deliveries,
      targetOf: (channelId) => {
        if (channelId === 'gone') return undefined;
        throw new SealedTargetError(
          'the channel target cannot be opened: sealed under another ALERTING_SECRET_KEY, or altered',
        );
      },
      due: () =>
        deliveries
          .due()
          .map((d, i) => (i === 0 ? { ...d, view: { ...d.view, channelId: 'gone' } } : d)),
      concurrency: 8,
      timeoutMs: 1000,
      send: () => Promise.reject(new Error('not sent')),
    });
    runner.tick();
    await settle();
    expect(deliveries.recorded.map((r) => [r.deliveryId, r.outcome])).toEqual([
      ['dlv-0000', { ok: false, status: null, error: 'channel deleted', permanent: true }],
      [
        'dlv-0001',
        {
          ok: false,
          status: null,
          error: expect.stringMatching(/ALERTING_SECRET_KEY/),
          permanent: false,
        },
      ],
    ]);
  });

  it('turns a sender that throws into a retryable failure, and passes the jitter', async () => {
    const deliveries = new FakeDeliveries(1);
    const runner = new DeliveryRunner({
      ...deliveries,
      targetOf: () => target,
      concurrency: 1,
      timeoutMs: 1000,
      random: () => 0.42,
      send: () => Promise.reject(new Error('boom')),
    });
    runner.tick();
    await settle();
    expect(deliveries.recorded).toEqual([
      {
        deliveryId: 'dlv-0000',
        outcome: expect.objectContaining({
          ok: false,
          permanent: false,
          error: 'sending failed: boom',
        }),
        jitter: 0.42,
      },
    ]);
  });

  it('holds a delivery whose outcome could not be recorded, and says so', async () => {
    const deliveries = new FakeDeliveries(1);
    const errors: string[] = [];
    let clock = Date.parse('2026-12-06T10:00:00Z');
    const runner = new DeliveryRunner({
      due: deliveries.due,
      record: () => Promise.reject(new Error('log unavailable')),
      targetOf: () => target,
      concurrency: 1,
      timeoutMs: 1000,
      send: async () => ({ ok: true, status: 200 }),
      onError: (m) => errors.push(m),
      now: () => new Date(clock),
    });
    runner.tick(new Date(clock));
    await settle();
    expect(errors).toEqual([
      expect.stringContaining('dlv-0000: its outcome could not be recorded (log unavailable)'),
    ]);
    expect(runner.tick(new Date((clock += 5_000)))).toBe(0);
    expect(runner.tick(new Date((clock += 6_000)))).toBe(1);
  });

  it('stops: waits for attempts in flight, then aborts them and records nothing for them', async () => {
    const deliveries = new FakeDeliveries(3);
    const sender = new HeldSender();
    const runner = new DeliveryRunner({
      ...deliveries,
      targetOf: () => target,
      concurrency: 8,
      timeoutMs: 1000,
      send: sender.send,
    });
    runner.tick();
    setTimeout(() => sender.finish('dlv-0000'), 20);
    await runner.stop(200);
    expect(sender.running).toBe(0);
    expect(runner.running).toBe(0);
    expect(deliveries.recorded.map((r) => r.deliveryId)).toEqual(['dlv-0000']);
    expect(runner.tick()).toBe(0);
  });
});
