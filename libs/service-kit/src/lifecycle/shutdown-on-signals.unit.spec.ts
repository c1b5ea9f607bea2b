import { shutdownOnSignals } from './shutdown-on-signals';

// A signal no test runner uses, emitted in-process; process.exit is captured, not taken.
const SIGNAL: NodeJS.Signals = 'SIGUSR2';

function exitCode(): Promise<number | undefined> {
  return new Promise((resolve) => {
    const spy = jest.spyOn(process, 'exit').mockImplementation(((code?: number) => {
      spy.mockRestore();
      resolve(code);
    }) as typeof process.exit);
  });
}

describe('shutdownOnSignals', () => {
  it('closes the targets in order on the signal, then exits 0', async () => {
    const closed: string[] = [];
    const target = (name: string) => ({ close: async () => void closed.push(name) });
    const lines: string[] = [];
    const stop = shutdownOnSignals([target('service'), target('log')], {
      signals: [SIGNAL],
      log: (line) => lines.push(line),
    });
    const exited = exitCode();
    process.emit(SIGNAL, SIGNAL);
    expect(await exited).toBe(0);
    expect(closed).toEqual(['service', 'log']);
    expect(lines.at(-1)).toBe('stopped cleanly');
    stop();
  });

  it('clears its timeout once the stop is done: nothing exits later', async () => {
    // Had the timer stayed, it would reach a real process.exit 30 s on and end the test run
    // (as it once did in CI).
    jest.useFakeTimers();
    try {
      const stop = shutdownOnSignals([{ close: async () => undefined }], {
        signals: [SIGNAL],
        log: () => undefined,
      });
      const exited = exitCode();
      process.emit(SIGNAL, SIGNAL);
      expect(await exited).toBe(0);
      stop();
      const late = jest
        .spyOn(process, 'exit')
        .mockImplementation((() => undefined) as typeof process.exit);
      jest.advanceTimersByTime(60_000);
      expect(late).not.toHaveBeenCalled();
      late.mockRestore();
    } finally {
      jest.useRealTimers();
    }
  });

  it('exits 1 when the stop hangs past the timeout', async () => {
    const stop = shutdownOnSignals([{ close: () => new Promise<void>(() => undefined) }], {
      signals: [SIGNAL],
      timeoutMs: 50,
      log: () => undefined,
    });
    const exited = exitCode();
    process.emit(SIGNAL, SIGNAL);
    expect(await exited).toBe(1);
    stop();
  });
});
