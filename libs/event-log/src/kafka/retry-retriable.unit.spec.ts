import { retryRetriable } from './retry-retriable';

const notLeader = () =>
  Object.assign(new Error('This server is not the leader for that topic-partition'), {
    retriable: true,
  });

describe('retryRetriable', () => {
  it('tries again while the error is retriable, then answers', async () => {
    let calls = 0;
    const result = await retryRetriable(
      async () => {
        calls += 1;
        if (calls < 3) throw notLeader();
        return 'offsets';
      },
      { firstDelayMs: 1 },
    );
    expect([result, calls]).toEqual(['offsets', 3]);
  });

  it('gives up after the last attempt with the broker error', async () => {
    let calls = 0;
    const failing = retryRetriable(
      async () => {
        calls += 1;
        throw notLeader();
      },
      { attempts: 4, firstDelayMs: 1 },
    );
    await expect(failing).rejects.toThrow(/not the leader/);
    expect(calls).toBe(4);
  });

  it('does not retry an error that is not retriable', async () => {
    let calls = 0;
    const failing = retryRetriable(async () => {
      calls += 1;
      throw new Error('topic authorization failed');
    });
    await expect(failing).rejects.toThrow(/authorization/);
    expect(calls).toBe(1);
  });
});
