import { join } from 'node:path';
import type { EventLog } from '@twinlog/event-log';
import type { ServiceConfig } from '../config/service.config';
import { ensureBootstrapKey, type BootstrapKey } from './bootstrap-key';

/**
 * The deployment's first admin key, before any service takes requests: from the file
 * TWINLOG_BOOTSTRAP_ADMIN_KEY_FILE names or, by default, `<data dir>/admin.key` when embedded. `create`: write a
 * new key there when the file is missing (the first `npm start`; a pod's Secret must exist).
 * Nothing when authentication is off, or when distributed without the setting.
 */
export async function prepareAccess(
  settings: ServiceConfig,
  log: EventLog,
  create: boolean,
  say: (line: string) => void,
  /** The file when the setting names none; a pod's default is none (its Secret is the key). */
  defaultFile: string | undefined = settings.mode === 'embedded'
    ? join(settings.dataDir, 'admin.key')
    : undefined,
): Promise<BootstrapKey | undefined> {
  if (!settings.auth.enabled) return undefined;
  const file = settings.auth.bootstrapKeyFile ?? defaultFile;
  if (!file) return undefined;
  const key = await ensureBootstrapKey(log.accessKeys, file, create);
  say(
    key.created
      ? `first start: created an admin API key in ${key.file} (readable by you only); the CLI and the plant simulator use it from there`
      : `admin API key: ${key.file} (the CLI and the plant simulator use it from there)`,
  );
  if (key.readableByOthers)
    say(`warning: ${key.file} can be read by other users of this machine: chmod 600 it`);
  return key;
}
