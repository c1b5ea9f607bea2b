import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Env } from '@twinlog/service-kit';
import { repoRoot, tsRunner } from '@twinlog/testing';

export interface TwinlogProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  /** SIGTERM; fails with the process's last lines when it did not exit with 0 (they say why). */
  stopCleanly(): Promise<void>;
}

/** `npm start` (or `npm run start:distributed`) as a user runs it, with the given environment. */
export async function startTwinlogProcess(
  env: Env,
  timeoutMs = 90_000,
  entry:
    'apps/all-in-one/src/main.ts' | 'tools/distributed/main.ts' = 'apps/all-in-one/src/main.ts',
): Promise<TwinlogProcess> {
  const main = join(repoRoot(), entry);
  const child = spawn(process.execPath, [...tsRunner(), main], {
    cwd: repoRoot(),
    stdio: ['ignore', 'pipe', 'pipe'],
    // eslint-disable-next-line no-restricted-syntax -- the child inherits PATH and the rest
    env: { ...process.env, ...env },
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Twinlog did not start in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const check = () => {
      const match = /API\s+(http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`Twinlog exited with ${code} before it was ready:\n${output}`));
    });
  });
  return {
    child,
    url,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
    stopCleanly: async () => {
      child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0)
        throw new Error(
          `Twinlog exited with ${code} when stopped; its last lines:\n${output.split('\n').slice(-80).join('\n')}`,
        );
    },
  };
}

export async function getJson<T = unknown>(
  url: string,
  apiKey?: string,
): Promise<{ status: number; body: T }> {
  const answer = await fetch(url, {
    headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
  });
  const text = await answer.text();
  return { status: answer.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: T | undefined;
    let failure: unknown;
    try {
      last = await probe();
      if (done(last)) return last;
    } catch (error) {
      failure = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last: ${failure ? String(failure) : JSON.stringify(last).slice(0, 800)}`,
      );
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/**
 * What `read` returns once it stops changing (the same twice, `quietMs` apart). Ready is not
 * caught up: after a start the workers still judge what the last run left unread, so states are
 * compared once settled.
 */
export async function settled<T>(
  read: () => Promise<T>,
  quietMs = 3000,
  timeoutMs = 120_000,
): Promise<T> {
  let last = await read();
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    const now = await read();
    if (JSON.stringify(now) === JSON.stringify(last)) return now;
    last = now;
  }
  throw new Error(`the state was still changing ${timeoutMs / 1000} s after the start`);
}
