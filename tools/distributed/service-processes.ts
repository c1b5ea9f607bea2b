import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceName } from '@twinlog/app-gateway';
import { freePort, portIsFree, repoRoot, tsRunner } from '@twinlog/testing';
import type { ServiceProcess } from './topology';

export interface ServiceProcessOptions {
  /** The launcher's environment, passed on (each service reads its own settings). */
  env: NodeJS.ProcessEnv;
  /** The servers' settings (settingsToEnv of the provisioned infrastructure). */
  serversEnv: Record<string, string>;
  /** Each process gets its own directory under this one. */
  dataDir: string;
  /** The admin key file every process accepts, when authentication is on. */
  keyFile?: string;
  /** Settings for one process only, by its name (e.g. an MQTT client id per run). */
  envOf?: (proc: ServiceProcess) => Record<string, string>;
  /** Node options for one process, e.g. --cpu-prof for a benchmark's profile. */
  execArgvOf?: (proc: ServiceProcess) => string[];
  log: (line: string) => void;
}

export interface RunningProcess {
  name: string;
  service: ServiceName;
  url: string;
  pid: number;
  exited: Promise<number | null>;
}

export interface RunningProcesses {
  processes: RunningProcess[];
  /** SIGTERM to all at once, resolved when all have exited. */
  stop(): Promise<void>;
}

/**
 * Starts each planned service as its own process, one after another, each ready before the
 * next (`npm run start:distributed` and `npm run bench:pipeline`). A planned port something else
 * holds is replaced by a free one. On a failure to start, those already running are stopped.
 */
export async function startServiceProcesses(
  topology: ServiceProcess[],
  options: ServiceProcessOptions,
): Promise<RunningProcesses> {
  const { log } = options;
  const children: Array<RunningProcess & { child: ChildProcess }> = [];
  // All at once: each service commits its own offsets through Kafka, so no order is needed, and
  // one after another the stops add up (a worker leaving makes the other rebalance before it can
  // leave in turn), past the launcher's own limit. Each service gives up on itself after 30 s.
  const stop = async () => {
    const started = Date.now();
    await Promise.all(
      children.map(async ({ name, child, exited }) => {
        child.kill('SIGTERM');
        const code = await exited;
        log(`[${name}] exited with ${code ?? 'a signal'} after ${Date.now() - started} ms`);
      }),
    );
  };
  try {
    for (const planned of topology) {
      // The ports after the gateway's are a convention, not a contract (the gateway is the one
      // port people use): one that something else holds is replaced by a free one.
      const proc = (await portIsFree(planned.port))
        ? planned
        : { ...planned, port: await freePort() };
      if (proc.port !== planned.port)
        log(`[${proc.name}] port ${planned.port} is in use: listening on ${proc.port} instead`);
      const dataDir = join(options.dataDir, proc.name);
      mkdirSync(dataDir, { recursive: true });
      const child = spawn(
        process.execPath,
        [...(options.execArgvOf?.(proc) ?? []), ...tsRunner(), join(repoRoot(), proc.main)],
        {
          cwd: repoRoot(),
          stdio: ['ignore', 'pipe', 'pipe'],
          env: {
            ...options.env,
            ...options.serversEnv,
            TWINLOG_MODE: 'distributed',
            TWINLOG_DATA_DIR: dataDir,
            ...(options.keyFile ? { TWINLOG_BOOTSTRAP_ADMIN_KEY_FILE: options.keyFile } : {}),
            [`${proc.envPrefix}_HTTP_HOST`]: '127.0.0.1',
            [`${proc.envPrefix}_HTTP_PORT`]: String(proc.port),
            ...proc.env,
            ...(proc.advertise
              ? { [`${proc.envPrefix}_ADVERTISED_URL`]: `http://127.0.0.1:${proc.port}` }
              : {}),
            ...options.envOf?.(proc),
          },
        },
      );
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      const url = `http://127.0.0.1:${proc.port}`;
      children.push({
        name: proc.name,
        service: proc.service,
        url,
        pid: child.pid!,
        exited,
        child,
      });
      prefixLines(child, proc.name, log);
      await waitReady(url, proc.name, exited);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { processes: children.map(({ child: _child, ...running }) => running), stop };
}

function prefixLines(child: ChildProcess, name: string, log: (line: string) => void): void {
  for (const stream of [child.stdout!, child.stderr!]) {
    let pending = '';
    stream.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) if (line) log(`[${name}] ${line}`);
    });
  }
}

async function waitReady(url: string, name: string, exited: Promise<number | null>): Promise<void> {
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (gone !== undefined)
      throw new Error(`${name} exited with code ${gone} while starting (its lines above say why)`);
    try {
      if ((await fetch(`${url}/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} was not ready at ${url} after 120 s`);
}
