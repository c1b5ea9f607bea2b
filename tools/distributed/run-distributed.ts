import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machinePhysicsFromModel, PLANT_TWIN_TYPES } from '@twinlog/plant-sim';
import { loadModelCatalog } from '@twinlog/model-files';
import { createKeyFile, DEFAULT_HTTP_TIMEOUTS } from '@twinlog/service-kit';
import { freePort, portIsFree, provisionInfra, repoRoot, settingsToEnv } from '@twinlog/testing';
import { startPlantSimulator } from '@twinlog/app-plant-simulator';
import { startOnePortGateway, type ServiceName } from '@twinlog/app-gateway';
import { resumePoint } from '../../apps/all-in-one/src/simulator/resume-point';
import type { DistributedConfig } from './distributed.config';
import { localTopology } from './topology';

export interface DistributedOptions extends DistributedConfig {
  /** Passed on to the servers' provisioning and to each service, which read their own settings. */
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

/**
 * `npm run start:distributed`: real Kafka, InfluxDB and mosquitto (the servers the tests use,
 * or those the environment names), each service as its own process, two anomaly workers in one
 * consumer group, the one-port gateway in front, and the plant simulator feeding ingestion.
 */
export async function runDistributed(options: DistributedOptions) {
  const { log } = options;
  log('providing Kafka, InfluxDB and MQTT (named by the environment, or started locally)...');
  // Servers started here keep their data beside the services' (a restart keeps the plant's
  // state, as in the embedded mode); delete the data directory to start afresh.
  const infra = await provisionInfra({
    env: options.env,
    progress: log,
    keepDataIn: join(options.dataDir, 'servers'),
  });
  const serversEnv = settingsToEnv(infra.settings);
  const children: Array<{ name: string; child: ChildProcess; exited: Promise<number | null> }> = [];
  // All at once: each service commits its own offsets through Kafka, so no order is needed, and
  // one after another the stops add up (a worker leaving makes the other rebalance before it can
  // leave in turn), past the launcher's own limit. Each service gives up on itself after 30 s.
  const stopChildren = async () => {
    const started = Date.now();
    await Promise.all(
      children.map(async ({ name, child, exited }) => {
        child.kill('SIGTERM');
        const code = await exited;
        log(`[${name}] exited with ${code ?? 'a signal'} after ${Date.now() - started} ms`);
      }),
    );
  };
  // Authentication stays on (unless options.env says TWINLOG_AUTH=off): every process accepts the
  // one admin key kept in the data directory, which the plant simulator and the CLI use too.
  const authOn = (options.env['TWINLOG_AUTH'] ?? 'on') !== 'off';
  const keyFile = join(options.dataDir, 'admin.key');
  if (authOn && !existsSync(keyFile)) createKeyFile(keyFile);
  const apiKey = authOn ? readFileSync(keyFile, 'utf8').trim() : undefined;
  if (authOn) log(`admin API key: ${keyFile} (set TWINLOG_API_KEY_FILE to it for the CLI)`);
  // The alerting service seals channels under an installation key: one kept here, as a
  // deployment keeps it in a Secret (unless the environment names one).
  const alertingKey = options.env['ALERTING_SECRET_KEY'] ?? options.env['ALERTING_SECRET_KEY_FILE'];
  const alertingKeyFile = join(options.dataDir, 'alerting.key');
  if (alertingKey === undefined && !existsSync(alertingKeyFile)) {
    mkdirSync(options.dataDir, { recursive: true });
    writeFileSync(alertingKeyFile, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  }
  try {
    const upstreams = {} as Record<ServiceName, string>;
    const workers: string[] = [];
    for (const planned of localTopology(options.gatewayPort)) {
      // The ports after the gateway's are a convention, not a contract (the gateway is the one
      // port people use): one that something else holds is replaced by a free one.
      const proc = (await portIsFree(planned.port))
        ? planned
        : { ...planned, port: await freePort() };
      if (proc.port !== planned.port)
        log(`[${proc.name}] port ${planned.port} is in use: listening on ${proc.port} instead`);
      if (proc.service === 'anomaly') workers.push(`http://127.0.0.1:${proc.port}`);
      const dataDir = join(options.dataDir, proc.name);
      mkdirSync(dataDir, { recursive: true });
      const child = spawn(
        process.execPath,
        ['-r', '@swc-node/register', join(repoRoot(), proc.main)],
        {
          cwd: repoRoot(),
          stdio: ['ignore', 'pipe', 'pipe'],
          env: {
            ...options.env,
            ...serversEnv,
            TWINLOG_MODE: 'distributed',
            TWINLOG_DATA_DIR: dataDir,
            ...(authOn ? { TWINLOG_BOOTSTRAP_ADMIN_KEY_FILE: keyFile } : {}),
            ...(alertingKey === undefined ? { ALERTING_SECRET_KEY_FILE: alertingKeyFile } : {}),
            [`${proc.envPrefix}_HTTP_HOST`]: '127.0.0.1',
            [`${proc.envPrefix}_HTTP_PORT`]: String(proc.port),
          },
        },
      );
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      children.push({ name: proc.name, child, exited });
      prefixLines(child, proc.name, log);
      // The first anomaly worker is the gateway's; /v1/worker on the second is at its own port.
      upstreams[proc.service] ??= `http://127.0.0.1:${proc.port}`;
      await waitReady(`http://127.0.0.1:${proc.port}`, proc.name, exited);
    }
    const gateway = await startOnePortGateway(
      upstreams,
      '127.0.0.1',
      options.gatewayPort,
      DEFAULT_HTTP_TIMEOUTS,
      options.allowedHosts,
    );
    const resumeAt = options.simulator
      ? await resumePoint(upstreams['twin-state'], apiKey)
      : undefined;
    const catalog = loadModelCatalog(options.modelsDir);
    const simulator = options.simulator
      ? startPlantSimulator({
          plant: {
            machines: options.simulator.machines,
            physics: machinePhysicsFromModel(catalog.get(PLANT_TWIN_TYPES.machine)),
          },
          ...(resumeAt !== undefined && resumeAt < Date.now() ? { startMs: resumeAt } : {}),
          target: gateway.url,
          twinState: gateway.url,
          ...(options.simulator.mqtt && serversEnv['MQTT_URL']
            ? { mqtt: { url: serversEnv['MQTT_URL'] } }
            : {}),
          register: true,
          ...(apiKey ? { apiKey } : {}),
          speed: options.simulator.speed,
          log: (line) => log(`[plant-simulator] ${line}`),
        })
      : undefined;
    return {
      url: gateway.url,
      workers,
      serversEnv,
      close: async () => {
        await simulator?.stop();
        await gateway.close();
        await stopChildren();
        await infra.stop();
      },
    };
  } catch (error) {
    await stopChildren();
    await infra.stop();
    throw error;
  }
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
