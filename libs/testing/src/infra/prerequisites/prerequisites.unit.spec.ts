import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePrerequisites, machineProbe } from './ensure-prerequisites';
import { findMissingPrerequisites, olderThan, type MachineProbe } from './prerequisites';

const ALL = ['kafka', 'influx', 'mqtt'] as const;

/** A PATH holding only the named programs (links to this machine's, or to `true`). */
function pathWith(programs: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'prereq-path-'));
  for (const p of programs) symlinkSync('/bin/true', join(dir, p));
  return dir;
}

describe('test prerequisites, checked before any build', () => {
  const cachedAll = { influxd: '/', kafkaLibs: '/', cacheRoot: tmpdir() };

  it('a PATH without mosquitto fails at once with the exact command to run', () => {
    const path = pathWith(['java']);
    let message = '';
    try {
      ensurePrerequisites(ALL, {
        probe: machineProbe({ path, extraDirs: [] }),
        cached: cachedAll,
        install: () => false,
        sudo: 'sudo ',
        hasApt: true,
        progress: () => undefined,
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('  - mosquitto: the MQTT broker the tests start');
    expect(message).toContain('  sudo apt-get install -y --no-install-recommends mosquitto\n');
    expect(message).not.toContain('java');
  }, 10_000);

  it('asks for the build tools only while influxd and the Kafka jars are not cached', () => {
    const probe = machineProbe({ path: pathWith(['java', 'mosquitto']), extraDirs: [] });
    const notCached = {
      influxd: '/nonexistent/influxd',
      kafkaLibs: '/nonexistent/libs',
      cacheRoot: tmpdir(),
    };
    const what = findMissingPrerequisites(ALL, probe, notCached).map((m) => m.what);
    expect(what).toEqual(
      expect.arrayContaining([
        'mvn',
        'curl',
        'pkg-config',
        'gcc',
        'flock',
        'Go >= 1.25.10',
        'Rust (rustc and cargo) >= 1.83.0',
      ]),
    );
    expect(findMissingPrerequisites(ALL, probe, cachedAll)).toEqual([]);
    // Only the servers asked for: MQTT named by the environment needs no mosquitto.
    expect(
      findMissingPrerequisites(
        ['mqtt'],
        machineProbe({ path: pathWith([]), extraDirs: [] }),
        cachedAll,
      ),
    ).toHaveLength(1);
    expect(
      findMissingPrerequisites(
        ['kafka'],
        machineProbe({ path: pathWith(['java']), extraDirs: [] }),
        cachedAll,
      ),
    ).toEqual([]);
  });

  it('names a Go or Rust too old, and a disk too full, with the command that fixes each', () => {
    const fake: MachineProbe = {
      which: (p) => `/usr/bin/${p}`,
      version: (p) =>
        p === 'go' ? 'go version go1.22.1 linux/amd64' : 'rustc 1.95.0 (x 2026-04-14)',
      freeBytes: () => 1024 ** 3,
      exists: () => false,
    };
    const missing = findMissingPrerequisites(['influx'], fake, {
      influxd: '/x',
      kafkaLibs: '/y',
      cacheRoot: '/c',
    });
    expect(missing.map((m) => m.what)).toEqual([
      'Go >= 1.25.10 (found 1.22.1)',
      '3.5 GB free disk for the influxd build (1.0 GB free under /c)',
    ]);
    expect(missing[0]!.command).toContain('go.dev/dl');
  });

  it('installs the missing packages where it may, and then goes on', () => {
    const installed = new Set<string>();
    const probe: MachineProbe = {
      which: (p) =>
        p === 'mosquitto' && !installed.has('mosquitto') ? undefined : `/usr/bin/${p}`,
      version: () => undefined,
      freeBytes: () => 0,
      exists: () => true,
    };
    const asked: string[][] = [];
    ensurePrerequisites(ALL, {
      probe,
      cached: cachedAll,
      install: (pkgs) => (asked.push(pkgs), pkgs.forEach((p) => installed.add(p)), true),
      progress: () => undefined,
    });
    expect(asked).toEqual([['mosquitto']]);
  });

  it('orders dotted versions numerically', () => {
    expect(olderThan('1.25.2', '1.25.10')).toBe(true);
    expect(olderThan('1.26', '1.25.10')).toBe(false);
    expect(olderThan('1.83.0', '1.83.0')).toBe(false);
  });
});
