import type { MqttSettings } from './infra-settings';
import type { ProvisionedServer } from './provisioned-server';
import { startLocalMosquitto } from './local/mosquitto.local';
import type { MosquittoOverrides } from './mosquitto-sizing';
import { newWorkDir } from './provision-infra';

const running = new Set<number>();
let exitHookSet = false;

/**
 * An extra mosquitto of one test's own, on 127.0.0.1, configured as the shipped broker with
 * `overrides` on top (a deliberately tiny queue: `{ max_queued_messages: 5, sys_interval: 1 }`),
 * for tests that must not disturb the shared broker. Stop it in the test's afterAll; should a
 * test forget or crash, it is killed when the test process exits.
 */
export async function startThrowawayMosquitto(
  overrides: MosquittoOverrides = {},
): Promise<ProvisionedServer<MqttSettings>> {
  const server = await startLocalMosquitto(
    { workDir: newWorkDir(), detached: false, progress: () => undefined },
    overrides,
  );
  const pids = [...server.pids];
  pids.forEach((pid) => running.add(pid));
  if (!exitHookSet) {
    exitHookSet = true;
    process.once('exit', () => running.forEach((pid) => killQuietly(pid)));
  }
  return {
    ...server,
    stop: async () => {
      await server.stop();
      pids.forEach((pid) => running.delete(pid));
    },
  };
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
