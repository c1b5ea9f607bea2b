import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import type { MqttSettings } from '../infra-settings';
import { mosquittoConfigText, type MosquittoOverrides } from '../mosquitto-sizing';
import type { ProvisionedServer, StartOptions } from '../provisioned-server';
import { freePort } from '../ports';
import { ServerProcess, waitUntilReady } from '../server-process';
import { findExecutable } from './find-executable';

/**
 * Starts Debian's mosquitto on 127.0.0.1 with a throwaway config (anonymous, no persistence)
 * sized as the shipped broker (deploy/mosquitto/mosquitto.conf), then `overrides`.
 */
export async function startLocalMosquitto(
  options: StartOptions,
  overrides: MosquittoOverrides = {},
): Promise<ProvisionedServer<MqttSettings>> {
  const binary = findExecutable('mosquitto');
  if (!binary) {
    throw new Error(
      'mosquitto is not installed. Install it with: sudo apt-get install -y mosquitto',
    );
  }
  const port = await freePort();
  const config = join(options.workDir, 'mosquitto.conf');
  writeFileSync(
    config,
    mosquittoConfigText(
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        'persistence false',
        'log_dest stdout',
      ],
      overrides,
    ),
  );
  const server = ServerProcess.start({
    name: 'mosquitto',
    command: binary,
    args: ['-c', config],
    logFile: join(options.workDir, 'mosquitto.log'),
    detached: options.detached,
  });
  const url = `mqtt://127.0.0.1:${port}`;
  await waitUntilReady(server, () => canConnect(url), 15_000);
  return {
    settings: { url },
    source: 'local',
    description: `MQTT (mosquitto) at ${url} (local, log: ${server.logFile})`,
    pids: [server.pid],
    stop: () => server.stop(5_000),
  };
}

async function canConnect(url: string): Promise<boolean> {
  const client = await connectAsync(url, { connectTimeout: 1_000, reconnectPeriod: 0 });
  await client.endAsync();
  return true;
}
