import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provisionInfra, type ProvisionedInfra } from '../infra/provision-infra';
import { settingsToEnv } from '../infra/infra-settings';

const KEY = '__twinlogInfra';
type Holder = { [KEY]?: { infra: ProvisionedInfra; users: number; runTmp: string } };

/**
 * Jest global setup for the integration and end-to-end projects: real servers for the whole
 * run, their settings passed to the test workers through the environment. Shared between
 * projects, so Kafka, InfluxDB and MQTT start once however many projects run.
 */
export default async function globalSetup(): Promise<void> {
  const holder = globalThis as Holder;
  if (holder[KEY]) {
    holder[KEY].users += 1;
    return;
  }
  // kafkajs warns on every producer that its default partitioner changed in v2; we chose it.
  process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';
  const started = Date.now();
  process.stderr.write(
    '\n[infra] providing real Kafka, InfluxDB and MQTT servers for the tests...\n',
  );
  const infra = await provisionInfra();
  Object.assign(process.env, settingsToEnv(infra.settings));
  // The tests' temporary files (data dirs, logs, databases) go under one directory for the
  // run, which the teardown removes: os.tmpdir() follows TMPDIR, in this process and children.
  const runTmp = mkdtempSync(join(tmpdir(), 'twinlog-test-run-'));
  process.env['TMPDIR'] = runTmp;
  for (const server of Object.values(infra.servers))
    process.stderr.write(`[infra] ${server?.description}\n`);
  process.stderr.write(`[infra] ready in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  holder[KEY] = { infra, users: 1, runTmp };
}
