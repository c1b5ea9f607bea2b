import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import type { MqttSettings } from '../infra-settings';
import { mosquittoConfigText, type MosquittoOverrides } from '../mosquitto-sizing';
import { MQTT_TEST_USER, mosquittoAuth, mqttUrlAs } from '../mosquitto-auth';
import type { ProvisionedServer, StartOptions } from '../provisioned-server';
import { freePort } from '../ports';
import { ServerProcess, waitUntilReady } from '../server-process';
import { findExecutable } from './find-executable';

/**
 * Starts Debian's mosquitto on 127.0.0.1 with a throwaway config (no persistence) sized as the
 * shipped broker (deploy/mosquitto/mosquitto.conf), then `overrides`, and its authentication:
 * no anonymous clients, the shipped ACL, each user with a fresh password (mosquitto-auth.ts).
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
  const auth = mosquittoAuth(options.workDir);
  writeFileSync(join(options.workDir, 'mosquitto-passwd'), auth.passwordFileText, { mode: 0o600 });
  writeFileSync(join(options.workDir, 'mosquitto-acl'), auth.aclText);
  writeFileSync(
    config,
    mosquittoConfigText(
      [
        `listener ${port} 127.0.0.1`,
        // Run as is: started as root, mosquitto would switch to the user `mosquitto`, who cannot
        // read the password file in this (private) directory.
        `user ${userInfo().username}`,
        ...auth.configLines,
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
  const address = `mqtt://127.0.0.1:${port}`;
  const url = mqttUrlAs(address, MQTT_TEST_USER, auth.users[MQTT_TEST_USER]!);
  await waitUntilReady(server, () => canConnect(url), 15_000);
  return {
    settings: { url, users: auth.users },
    source: 'local',
    description: `MQTT (mosquitto) at ${address}, users and ACL as shipped (local, log: ${server.logFile})`,
    pids: [server.pid],
    stop: () => server.stop(5_000),
  };
}

async function canConnect(url: string): Promise<boolean> {
  const client = await connectAsync(url, { connectTimeout: 1_000, reconnectPeriod: 0 });
  await client.endAsync();
  return true;
}
