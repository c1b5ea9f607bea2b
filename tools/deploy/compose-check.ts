import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './entry-points';

/**
 * compose-check (tools/deploy/compose-check): a Compose file judged by compose-go, the library
 * behind `docker compose`, as `docker compose config` reads it: the current specification's
 * schema and the loader's consistency checks. Debian's docker-compose 1.29 cannot be the judge:
 * it rejects the top-level `name`.
 */
const BUILD_SCRIPT = join(REPO_ROOT, 'tools', 'deploy', 'compose-check', 'build.sh');

/** A cold build fetches compose-go's modules and compiles them: ~15 s on 2 cores. */
const BUILD_TIMEOUT_MS = 10 * 60_000;

/** The binary's path once built in this process. */
let built: string | undefined;

/**
 * The path of the compose-check binary, built into the cache by build.sh when missing (once per
 * machine, and again when its source changes). Throws with build.sh's reason (Go missing or too
 * old, the module proxy out of reach) when it cannot.
 */
export function ensureComposeCheck(): string {
  // stderr inherited: a cold build's progress shows in the test output.
  const result = spawnSync('bash', [BUILD_SCRIPT], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: BUILD_TIMEOUT_MS,
  });
  const path = (result.stdout ?? '').trim().split('\n').at(-1) ?? '';
  if (result.status !== 0 || !path) {
    const why = result.error ? String(result.error) : `exit ${result.status ?? result.signal}`;
    throw new Error(`${BUILD_SCRIPT} could not build compose-check (${why}); its output says why`);
  }
  built = path;
  return path;
}

/**
 * `compose-check [--profile P ...] FILE`: exit 0 and a summary on stdout, or 1 and
 * `compose-check: FILE: ERROR` on stderr. The file is judged as committed: the caller's
 * COMPOSE_* variables (COMPOSE_PROJECT_NAME would rename the project) and a local .env are
 * left out.
 */
export function checkCompose(
  file: string,
  profiles: string[] = [],
): { code: number | null; out: string; err: string } {
  const args = [...profiles.flatMap((p) => ['--profile', p]), file];
  const result = spawnSync(built ?? ensureComposeCheck(), args, {
    encoding: 'utf8',
    env: { ...withoutComposeVariables(process.env), COMPOSE_DISABLE_ENV_FILE: '1' },
    timeout: 60_000,
  });
  const err = `${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
  return { code: result.status, out: result.stdout ?? '', err };
}

function withoutComposeVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('COMPOSE_')));
}
