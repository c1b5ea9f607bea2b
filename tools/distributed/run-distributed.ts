import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machinePhysicsFromModel, PLANT_TWIN_TYPES } from '@twinlog/plant-sim';
import { loadModelCatalog } from '@twinlog/model-files';
import { createKeyFile, DEFAULT_HTTP_TIMEOUTS } from '@twinlog/service-kit';
import { provisionInfra, settingsToEnv } from '@twinlog/testing';
import { startPlantSimulator } from '@twinlog/app-plant-simulator';
import { startOnePortGateway, type ServiceName } from '@twinlog/app-gateway';
import { resumePoint } from '../../apps/all-in-one/src/simulator/resume-point';
import type { DistributedConfig } from './distributed.config';
import { startServiceProcesses, type RunningProcesses } from './service-processes';
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
  let running: RunningProcesses | undefined;
  try {
    running = await startServiceProcesses(
      localTopology(options.gatewayPort, options.twinStateReplicas),
      {
        env: {
          ...options.env,
          ...(alertingKey === undefined ? { ALERTING_SECRET_KEY_FILE: alertingKeyFile } : {}),
        },
        serversEnv,
        dataDir: options.dataDir,
        ...(authOn ? { keyFile } : {}),
        log,
      },
    );
    const upstreams = {} as Record<ServiceName, string>;
    const workers: string[] = [];
    for (const proc of running.processes) {
      if (proc.service === 'anomaly') workers.push(proc.url);
      // The first anomaly worker is the gateway's; /v1/worker on the second is at its own port.
      upstreams[proc.service] ??= proc.url;
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
        await running?.stop();
        await infra.stop();
      },
    };
  } catch (error) {
    await running?.stop();
    await infra.stop();
    throw error;
  }
}
