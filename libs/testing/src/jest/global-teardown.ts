const KEY = '__twinlogInfra';
type Holder = { [KEY]?: { infra: { stop(): Promise<void> }; users: number } };

/** Stops the servers global-setup started once the last project using them is done. */
export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as Holder;
  const entry = holder[KEY];
  if (!entry) return;
  entry.users -= 1;
  if (entry.users > 0) return;
  await entry.infra.stop();
  delete holder[KEY];
}
