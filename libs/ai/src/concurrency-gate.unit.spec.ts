import { isTwinlogError } from '@twinlog/domain';
import { ConcurrencyGate } from './concurrency-gate';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('ConcurrencyGate', () => {
  it('runs at most `limit` at once, the rest in order as slots free', async () => {
    const gate = new ConcurrencyGate(2, 10);
    const holds = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = holds.map((hold, i) =>
      gate.run(async () => {
        started.push(i);
        await hold.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect([gate.inFlight, gate.queued]).toEqual([2, 1]);
    holds[1]!.resolve();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    expect(gate.inFlight).toBe(2);
    holds[0]!.resolve();
    holds[2]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect([gate.inFlight, gate.queued]).toEqual([0, 0]);
  });

  it('refuses with AI_BUSY and a Retry-After once the queue is full, and frees the slot on failure', async () => {
    const gate = new ConcurrencyGate(1, 1);
    const hold = deferred();
    const first = gate.run(() => hold.promise);
    const second = gate.run(async () => {
      throw new Error('model failed');
    });
    const third = gate.run(async () => 'never');
    const refused = await third.catch((error: unknown) => error);
    expect(isTwinlogError(refused, 'AI_BUSY')).toBe(true);
    expect((refused as { details: object }).details).toMatchObject({ retryAfterSeconds: 5 });
    hold.resolve();
    await first;
    await expect(second).rejects.toThrow('model failed');
    expect(await gate.run(async () => 'free again')).toBe('free again');
  });

  it('drops a waiting ask whose signal aborts: it never runs, and the next one gets the slot', async () => {
    const gate = new ConcurrencyGate(1, 10);
    const hold = deferred();
    const ran: string[] = [];
    const first = gate.run(async () => {
      ran.push('first');
      await hold.promise;
    });
    const leaving = new AbortController();
    const dropped = gate.run(async () => void ran.push('dropped'), leaving.signal);
    const third = gate.run(async () => void ran.push('third'));
    expect(gate.queued).toBe(2);
    leaving.abort(new Error('the caller left'));
    await expect(dropped).rejects.toThrow('the caller left');
    expect(gate.queued).toBe(1);
    hold.resolve();
    await Promise.all([first, third]);
    expect(ran).toEqual(['first', 'third']);
    expect([gate.inFlight, gate.queued]).toEqual([0, 0]);
  });

  it('refuses at once an ask whose signal has aborted already', async () => {
    const gate = new ConcurrencyGate(1, 10);
    await expect(gate.run(async () => 1, AbortSignal.abort(new Error('gone')))).rejects.toThrow(
      'gone',
    );
    expect(gate.inFlight).toBe(0);
  });
});
