import { rmSync } from 'node:fs';

const KEY = '__twinlogInfra';
type Holder = { [KEY]?: { infra: { stop(): Promise<void> }; users: number; runTmp: string } };

/**
 * Stops the servers global-setup started, and removes the run's temporary files, once the last
 * project using them is done.
 */
export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as Holder;
  const entry = holder[KEY];
  if (!entry) return;
  entry.users -= 1;
  if (entry.users > 0) return;
  await entry.infra.stop();
  rmSync(entry.runTmp, { recursive: true, force: true });
  delete holder[KEY];
}
