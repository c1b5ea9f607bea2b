import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { checkCompose, ensureComposeCheck } from './compose-check';
import { loadCompose } from './compose-file';
import { REPO_ROOT } from './entry-points';

const COMPOSE_FILE = join(REPO_ROOT, 'docker-compose.yml');

/** The names after `service: ` (or `disabled: `) in compose-check's summary. */
function named(summary: string, kind: 'service' | 'disabled'): string[] {
  return [...summary.matchAll(new RegExp(`^${kind}: (\\S+) `, 'gm'))].map((m) => m[1]!).sort();
}

describe('docker-compose.yml judged by compose-go (the library behind docker compose)', () => {
  const original = readFileSync(COMPOSE_FILE, 'utf8');
  const services = loadCompose(COMPOSE_FILE).services;
  const names = services.map((s) => s.name).sort();
  const profiles = [...new Set(services.flatMap((s) => s.profiles))].sort();
  let dir: string;

  /** A copy of the file with one text replaced; the text must be there exactly once. */
  function copyWith(from: string, to: string): string {
    const parts = original.split(from);
    if (parts.length !== 2) throw new Error(`docker-compose.yml has ${from} ${parts.length - 1}x`);
    const file = join(dir, 'docker-compose.yml');
    writeFileSync(file, parts.join(to));
    return file;
  }

  beforeAll(() => {
    // A cold build (a fresh machine) fetches compose-go's modules and compiles: minutes at most.
    ensureComposeCheck();
    dir = mkdtempSync(join(tmpdir(), 'compose-check-'));
  }, 10 * 60_000);
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('loads with every profile, naming the project and every service the file defines', () => {
    const { name } = parse(original, { merge: true }) as { name?: unknown };
    expect(name).toBe('twinlog');
    expect(profiles).toEqual(expect.arrayContaining(['demo', 'grafana']));

    const run = checkCompose(COMPOSE_FILE, profiles);
    expect(run.err).toBe('');
    expect(run.out).toMatch(new RegExp(`^project: ${name}$`, 'm'));
    expect(run.out).toMatch(new RegExp(`^profiles: ${profiles.join(', ')}$`, 'm'));
    expect(named(run.out, 'service')).toEqual(names);
    expect(named(run.out, 'disabled')).toEqual([]);
    expect(run.code).toBe(0);
  });

  it("leaves a profile's services out unless it is asked for, as docker compose does", () => {
    const run = checkCompose(COMPOSE_FILE);
    expect(run.err).toBe('');
    const profiled = services.filter((s) => s.profiles.length > 0).map((s) => s.name);
    expect(profiled).toEqual(expect.arrayContaining(['plant-simulator', 'grafana']));
    expect(named(run.out, 'disabled')).toEqual(profiled.sort());
    expect(named(run.out, 'service')).toEqual(names.filter((n) => !profiled.includes(n)));
    expect(run.code).toBe(0);
  });

  it('loads an unchanged copy (the broken copies below fail for their change alone)', () => {
    const run = checkCompose(copyWith('name: twinlog\n', 'name: twinlog\n'), profiles);
    expect(run.err).toBe('');
    expect(named(run.out, 'service')).toEqual(names);
    expect(run.code).toBe(0);
  });

  it('refuses a service field of the wrong type (ports as a number, not a list)', () => {
    const file = copyWith('    ports:\n      - 127.0.0.1:8080:8080\n', '    ports: 8080\n');
    const run = checkCompose(file, profiles);
    expect(run.err).toMatch(/^compose-check: .*docker-compose\.yml: .*services\.gateway\.ports/);
    expect(run.err).toMatch(/must be a array/);
    expect(run.out).toBe('');
    expect(run.code).toBe(1);
  });

  it('refuses depends_on naming a service the file does not define', () => {
    const healthy = '{ condition: service_healthy }';
    const file = copyWith(
      `      alerting: ${healthy}\n`,
      `      alerting: ${healthy}\n      alertng: ${healthy}\n`,
    );
    const run = checkCompose(file, profiles);
    expect(run.err).toMatch(/service "gateway" depends on undefined service "alertng"/);
    expect(run.out).toBe('');
    expect(run.code).toBe(1);
  });

  it('refuses an unknown top-level key', () => {
    const run = checkCompose(copyWith('\nservices:\n', '\nservics:\n'), profiles);
    expect(run.err).toMatch(/additional properties 'servics' not allowed/);
    expect(run.out).toBe('');
    expect(run.code).toBe(1);
  });
});
