import { readFileSync } from 'node:fs';
import type { Env } from './env-parsing';

/**
 * A secret from `NAME`, or from the file `NAME_FILE` names (a mounted Docker or Kubernetes
 * secret), never from the repository. One trailing newline is dropped (`echo secret > file`).
 * A problem names the variable and the path, never a value. Undefined when neither is set.
 */
export function readSecret(env: Env, name: string, problems: string[]): string | undefined {
  const direct = env[name] === '' ? undefined : env[name];
  const path = env[`${name}_FILE`] === '' ? undefined : env[`${name}_FILE`];
  if (direct !== undefined && path !== undefined) {
    problems.push(`${name} and ${name}_FILE are both set: set one of them`);
    return undefined;
  }
  if (path === undefined) return direct;
  const text = readSettingFile(`${name}_FILE`, path, problems)?.replace(/\r?\n$/, '');
  if (text === '') problems.push(`${name}_FILE=${JSON.stringify(path)}: the file is empty`);
  return text || undefined;
}

/** The text of a file a setting names (a secret, a CA or a certificate), or a problem naming why not. */
export function readSettingFile(
  variable: string,
  path: string,
  problems: string[],
): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    problems.push(`${variable}=${JSON.stringify(path)}: cannot read the file (${code})`);
    return undefined;
  }
}
