import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export interface ServerProcessOptions {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
  /** Working directory (some servers read config files from it). */
  cwd?: string;
  /** The signal that makes this server shut down cleanly (influxd only handles SIGINT). */
  stopSignal?: NodeJS.Signals;
  /** Keep running after this Node process exits (infra:up); tests leave it false. */
  detached?: boolean;
}

/** A locally started server: its log goes to a file that error messages point to. */
export class ServerProcess {
  private exitInfo: string | undefined;

  private constructor(
    readonly name: string,
    readonly logFile: string,
    private readonly child: ChildProcess,
    private readonly stopSignal: NodeJS.Signals,
  ) {
    child.on(
      'exit',
      (code, signal) => (this.exitInfo = signal ? `signal ${signal}` : `code ${code}`),
    );
  }

  static start(options: ServerProcessOptions): ServerProcess {
    const log = openSync(options.logFile, 'a');
    const child = spawn(options.command, options.args, {
      env: { ...process.env, ...options.env },
      cwd: options.cwd,
      stdio: ['ignore', log, log],
      detached: options.detached ?? false,
    });
    closeSync(log);
    if (options.detached) child.unref();
    return new ServerProcess(options.name, options.logFile, child, options.stopSignal ?? 'SIGTERM');
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Undefined while running; how it ended otherwise. */
  get exited(): string | undefined {
    return this.exitInfo;
  }

  logTail(lines = 25): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log yet)';
    }
  }

  /** SIGKILL: no shutdown at all, as a crash or the OOM killer leaves it. */
  async kill(): Promise<void> {
    if (this.exitInfo !== undefined || this.child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await exited;
  }

  /** The server's clean-stop signal (SIGTERM unless told), then SIGKILL after the grace period. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.exitInfo !== undefined || this.child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill(this.stopSignal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

/** Polls `probe` until it resolves true; fails early, with the log tail, if the process dies. */
export async function waitUntilReady(
  server: ServerProcess,
  probe: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (server.exited !== undefined) {
      throw new Error(
        `${server.name} exited (${server.exited}) before it was ready. Log: ${server.logFile}\n${server.logTail()}`,
      );
    }
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `${server.name} was not ready within ${timeoutMs / 1000}s (last probe error: ${lastError || 'none'}). ` +
      `Log: ${server.logFile}\n${server.logTail()}`,
  );
}
