import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSimulateArgs } from './commands/simulate-args';
import { simulationBodies } from './commands/simulate.command';

/** A scenario file in a fresh directory, as `simulate --ask` tells a person to save one. */
function saved(body: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'simulate-args-'));
  writeFileSync(join(dir, 'scenario.json'), JSON.stringify(body));
  return dir;
}

const ASKED = {
  twinId: 'cnc-01',
  at: '2026-12-01T00:00:00.000Z',
  horizon: 7200,
  step: 60,
  perturbations: [{ kind: 'ramp', target: 'temperature', rate: 2, unit: 'per-hour', at: 0 }],
  monteCarlo: { samples: 50, seed: 7 },
};
const MITIGATION = { kind: 'set', target: 'spindle_speed', value: 3000, at: 0 };

describe('twinlog simulate --scenario (a saved body, as --ask prints it)', () => {
  it("runs the file's twin from the file's start, with nothing else on the command line", () => {
    const cwd = saved(ASKED);
    const options = parseSimulateArgs(['--scenario', 'scenario.json'], cwd);
    expect(options.twinId).toBe('cnc-01');
    expect(options.at).toBe(ASKED.at);
    const { path, body } = simulationBodies(options);
    const { twinId: _t, at: _a, ...scenario } = ASKED;
    expect(path).toBe('/v1/simulations');
    expect(body).toEqual({ twinId: 'cnc-01', at: ASKED.at, ...scenario });
  });

  it('lets --twin and --at on the command line win over the file', () => {
    const cwd = saved(ASKED);
    const options = parseSimulateArgs(
      ['--scenario', 'scenario.json', '--twin', 'cnc-02', '--at', '2026-12-02T00:00:00Z'],
      cwd,
    );
    const { body } = simulationBodies(options);
    expect(body).toMatchObject({ twinId: 'cnc-02', at: '2026-12-02T00:00:00Z' });
  });

  it("compares with the file's mitigations: twin and start at the top, never inside base", () => {
    const cwd = saved({ ...ASKED, mitigations: [MITIGATION] });
    const options = parseSimulateArgs(
      ['--scenario', 'scenario.json', '--mitigate', 'set spindle_speed 2000'],
      cwd,
    );
    const { path, body } = simulationBodies(options);
    const { twinId: _t, at: _a, ...scenario } = ASKED;
    expect(path).toBe('/v1/simulations/compare');
    expect(body).toEqual({
      twinId: 'cnc-01',
      at: ASKED.at,
      base: scenario,
      alternative: {
        ...scenario,
        perturbations: [
          ...scenario.perturbations,
          MITIGATION,
          expect.objectContaining({ value: 2000 }),
        ],
      },
    });
  });

  it('refuses a file whose twin, start or mitigations are not what a body holds', () => {
    expect(() => parseSimulateArgs(['--scenario', 'scenario.json'], saved({ twinId: 7 }))).toThrow(
      /"twinId" must be a non-empty string/,
    );
    expect(() =>
      parseSimulateArgs(['--scenario', 'scenario.json'], saved({ ...ASKED, mitigations: 'set' })),
    ).toThrow(/"mitigations" must be a list/);
    expect(() =>
      parseSimulateArgs(['--scenario', 'scenario.json'], saved({ horizon: 60 })),
    ).toThrow(/--twin is required/);
  });
});
