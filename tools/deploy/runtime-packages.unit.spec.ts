import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ENTRY_POINTS, REPO_ROOT, RUNNER } from './entry-points';
import {
  packagePathOf,
  planRuntimePackages,
  resolve,
  TYPESCRIPT_RUNNER,
  type Lockfile,
} from './runtime-packages';

const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as Lockfile;
const installed = (path: string) => existsSync(join(REPO_ROOT, path));

/**
 * Packages the image may lack by contract: optional peers of kept packages (debug loads
 * supports-color when it is there, for colours), and what those need.
 */
function optionalPeersOf(keep: Set<string>): Set<string> {
  const names = new Set<string>();
  for (const path of keep)
    for (const [name, meta] of Object.entries(lock.packages[path]?.peerDependenciesMeta ?? {})) {
      const at = resolve(lock, path, name);
      if (meta.optional && at && installed(at)) names.add(name);
    }
  const widened = planRuntimePackages(lock, [...TYPESCRIPT_RUNNER, ...names], installed).keep;
  return new Set([...widened].filter((p) => !keep.has(p)));
}

describe('which packages the image keeps', () => {
  const small: Lockfile = {
    packages: {
      '': {},
      'node_modules/app-dep': {},
      'node_modules/runner': {
        dev: true,
        dependencies: { helper: '^1' },
        optionalDependencies: { 'runner-linux': '1', 'runner-darwin': '1' },
        peerDependencies: { compiler: '*', extra: '*' },
        peerDependenciesMeta: { extra: { optional: true } },
      },
      'node_modules/runner/node_modules/helper': { dev: true },
      'node_modules/helper': { dev: true },
      'node_modules/runner-linux': { dev: true, optional: true },
      'node_modules/runner-darwin': { dev: true, optional: true },
      'node_modules/compiler': { dev: true },
      'node_modules/test-tool': { dev: true },
    },
  };
  const onLinux = (path: string) => path !== 'node_modules/runner-darwin';

  it("keeps production, the runner's own copy of a dependency, its platform binary and peers", () => {
    const plan = planRuntimePackages(small, ['runner'], onLinux);
    expect([...plan.keep].sort()).toEqual([
      'node_modules/app-dep',
      'node_modules/compiler',
      'node_modules/runner',
      'node_modules/runner-linux',
      'node_modules/runner/node_modules/helper',
    ]);
    expect(plan.remove.sort()).toEqual([
      'node_modules/helper',
      'node_modules/runner-darwin',
      'node_modules/test-tool',
    ]);
  });

  it('refuses a lockfile without a required peer or the runner itself', () => {
    const { 'node_modules/compiler': _, ...withoutPeer } = small.packages;
    expect(() => planRuntimePackages({ packages: withoutPeer }, ['runner'], onLinux)).toThrow(
      /node_modules\/runner needs the peer compiler/,
    );
    expect(() => planRuntimePackages(small, ['ts-node'], onLinux)).toThrow(/needs ts-node/);
  });

  it('resolves like Node and names the package of a loaded file', () => {
    expect(resolve(small, 'node_modules/runner', 'helper')).toBe(
      'node_modules/runner/node_modules/helper',
    );
    expect(resolve(small, 'node_modules/compiler', 'helper')).toBe('node_modules/helper');
    expect(packagePathOf('node_modules/@swc/core/binding.js')).toBe('node_modules/@swc/core');
    expect(packagePathOf('node_modules/a/node_modules/b/lib/x.js')).toBe(
      'node_modules/a/node_modules/b',
    );
    expect(packagePathOf('apps/anomaly/src/main.ts')).toBeUndefined();
  });

  it('drops the test and build tooling of this lockfile, keeps the TypeScript runner', () => {
    const { keep, remove } = planRuntimePackages(lock, TYPESCRIPT_RUNNER, installed);
    for (const runtime of [
      'node_modules/@swc-node/register',
      'node_modules/@swc/core',
      'node_modules/typescript',
      'node_modules/kafkajs',
      'node_modules/@nestjs/core',
    ])
      expect([runtime, keep.has(runtime)]).toEqual([runtime, true]);
    for (const tooling of ['node_modules/jest', 'node_modules/nx', 'node_modules/eslint'])
      expect([tooling, remove.includes(tooling)]).toEqual([tooling, true]);
    const nativeSwc = [...keep].filter((p) => p.startsWith('node_modules/@swc/core-'));
    expect(nativeSwc.length).toBeGreaterThan(0);
    expect(nativeSwc.every(installed)).toBe(true);
  });

  // Each entry point is started with a setting it refuses, so it exits right after loading its
  // modules; every package it loaded must survive the pruning. (Modules a library requires
  // lazily, on first use, are not seen here: a run of the pruned tree covers those.)
  it('keeps every package each entry point loads', () => {
    const { keep } = planRuntimePackages(lock, TYPESCRIPT_RUNNER, installed);
    const optional = optionalPeersOf(keep);
    const dir = mkdtempSync(join(tmpdir(), 'twinlog-loaded-'));
    const recorder = join(REPO_ROOT, 'tools', 'deploy', 'testing', 'record-loaded-modules.cjs');
    try {
      for (const entry of ENTRY_POINTS) {
        const list = join(dir, `${entry.role}.txt`);
        const run = spawnSync(
          RUNNER[0]!,
          [...RUNNER.slice(1), '-r', recorder, entry.main, ...(entry.parseArgs ? ['--help'] : [])],
          {
            cwd: REPO_ROOT,
            encoding: 'utf8',
            timeout: 60_000,
            env: {
              PATH: process.env['PATH'] ?? '',
              TWINLOG_MODE: 'refused-on-purpose',
              TWINLOG_RECORD_MODULES: list,
            },
          },
        );
        expect([entry.role, existsSync(list)]).toEqual([entry.role, true]);
        if (entry.readConfig) expect(run.stderr).toMatch(/failed to start/);
        const packages = new Set(
          readFileSync(list, 'utf8')
            .split('\n')
            .map((file) => packagePathOf(relative(REPO_ROOT, file)))
            .filter((p): p is string => p !== undefined),
        );
        expect(packages.size).toBeGreaterThan(5);
        const missing = [...packages].filter((p) => !keep.has(p) && !optional.has(p));
        expect([entry.role, missing]).toEqual([entry.role, []]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
