import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's chromium, which the browser tests drive (playwright-core brings no browser). */
export const CHROMIUM = '/usr/bin/chromium';

/** What the check may ask of the machine (the real one, or a test's stand-in). */
export interface ChromiumMachine {
  exists(path: string): boolean;
  /** Runs a command to its end; ok when it exited 0, with what it printed. */
  run(command: string, args: readonly string[]): { ok: boolean; output: string };
  isRoot: boolean;
}

export interface EnsureChromiumOptions {
  /** Where chromium must be (Debian's path by default). */
  path?: string;
  machine?: ChromiumMachine;
  progress?: (line: string) => void;
}

const PACKAGE = 'chromium';
// Several test runs (or helpers) may share a machine: wait for another apt-get's lock rather
// than fail on it.
const APT_OPTIONS = ['-o', 'DPkg::Lock::Timeout=300', '-o', 'Acquire::Retries=3'];

/**
 * Makes sure chromium is installed, as the test tooling does for its servers: when it is
 * missing, installs Debian's package with apt-get (as root, or through passwordless sudo),
 * once per machine, refreshing the package lists only when the first attempt fails. Throws a
 * message with the command to run by hand when it cannot. Returns chromium's path.
 */
export function ensureChromium(options: EnsureChromiumOptions = {}): string {
  const path = options.path ?? CHROMIUM;
  const machine = options.machine ?? thisMachine();
  const progress = options.progress ?? ((line) => process.stderr.write(`[browser] ${line}\n`));
  if (machine.exists(path)) return path;
  if (!machine.exists('/usr/bin/apt-get'))
    throw new Error(cannotInstall(path, 'this machine has no apt-get', machine.isRoot));
  if (!machine.isRoot && !machine.run('sudo', ['-n', 'true']).ok)
    throw new Error(cannotInstall(path, 'not root, and sudo asks for a password', false));

  progress(
    `${path} is missing: installing Debian's ${PACKAGE} package with apt-get (once per machine, about a minute)`,
  );
  // sudo resets the environment: the non-interactive frontend is passed through env(1).
  const apt = (args: string[]) =>
    machine.isRoot
      ? machine.run('apt-get', args)
      : machine.run('sudo', ['-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args]);
  const install = () =>
    apt([...APT_OPTIONS, 'install', '-y', '-q', '--no-install-recommends', PACKAGE]);
  let attempt = install();
  if (!attempt.ok) {
    progress(
      'apt-get install failed; refreshing the package lists (apt-get update) and trying again',
    );
    const update = apt([...APT_OPTIONS, 'update', '-q']);
    attempt = update.ok ? install() : update;
  }
  if (!attempt.ok)
    throw new Error(
      cannotInstall(path, `apt-get failed:\n${tail(attempt.output)}`, machine.isRoot),
    );
  if (!machine.exists(path))
    throw new Error(
      cannotInstall(path, `apt-get installed chromium, but not at ${path}`, machine.isRoot),
    );
  // Debian's wrapper script may print shell noise besides the version line.
  const version = machine
    .run(path, ['--version'])
    .output.split('\n')
    .find((line) => /^chromium \d/i.test(line.trim()));
  progress(`installed ${version?.trim() ?? PACKAGE} at ${path}`);
  return path;
}

function cannotInstall(path: string, why: string, root: boolean): string {
  const sudo = root ? '' : 'sudo ';
  return [
    `The browser tests drive Debian's chromium at ${path}, which is missing, and the test tooling`,
    `could not install it: ${why}`,
    '',
    'Install it by hand with:',
    `  ${sudo}apt-get update && ${sudo}DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium`,
    'then run npm test again (the browser specs are *.browser.spec.ts; they never skip).',
  ].join('\n');
}

function tail(output: string): string {
  return output
    .trim()
    .split('\n')
    .slice(-12)
    .map((line) => `    ${line}`)
    .join('\n');
}

function thisMachine(): ChromiumMachine {
  return {
    exists: existsSync,
    isRoot: process.getuid?.() === 0,
    run: (command, args) => {
      const result = spawnSync(command, args, {
        encoding: 'utf8',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
        // A cold install downloads ~100 MB; a stuck mirror should not hang the run forever.
        timeout: 15 * 60_000,
        maxBuffer: 64 * 1024 * 1024,
      });
      const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
      return { ok: result.status === 0, output };
    },
  };
}
