import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '@twinlog/service-kit';
import { SERVICES } from '../../apps/gateway/src/routes';
import { RUNTIME_VARIABLES, settingsRead, type EntryPoint } from './entry-points';
import { envOf, loadDockerfile } from './image-build';

// What the deployment specs (Compose, Kubernetes) share: the roles deployed, the image's own
// environment, and the secrets that only exist as mounted files in a container.

/** shutdownOnSignals' default: a service abandons a clean stop after this long. */
export const CLEAN_STOP_SECONDS = 30;
export const DEPLOYED_ROLES = [...SERVICES, 'gateway'] as const;
/** The roles that run on the log and the telemetry store (not the gateway). */
export const ROLE_IS_SERVICE: Record<string, boolean> = Object.fromEntries(
  SERVICES.map((s) => [s, true]),
);

/** The ENV of the image's runtime stage: what every container starts with. */
export const imageEnv: Env = Object.assign(
  {},
  ...loadDockerfile()
    .at(-1)!
    .instructions.filter((i) => i.op === 'ENV')
    .map(envOf),
);

/**
 * Secrets a configuration reads from a mounted file (a Docker secret, a Kubernetes Secret
 * volume) when it starts: here they point at a file of the right shape instead, since the
 * mount exists only in the container.
 */
const MOUNTED_SECRETS: Record<string, string> = {
  ALERTING_SECRET_KEY_FILE: 'ab'.repeat(32),
  TWINLOG_KAFKA_PASSWORD_FILE: 'a-kafka-password',
  TWINLOG_KAFKA_TLS_CA_FILE: '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n',
};
const secretsDir = mkdtempSync(join(tmpdir(), 'twinlog-mounted-'));
export function withMountedSecrets(env: Env): Env {
  const mounted = { ...env };
  for (const [name, content] of Object.entries(MOUNTED_SECRETS)) {
    if (env[name] === undefined) continue;
    mounted[name] = join(secretsDir, name);
    writeFileSync(mounted[name], content);
  }
  return mounted;
}

/** The names an entry point's container is given that its app does not read. */
export function unknownSettings(entry: EntryPoint, env: Record<string, string>): string[] {
  const known = settingsRead(entry);
  return Object.keys(env).filter((k) => !known.has(k) && !RUNTIME_VARIABLES.has(k));
}
