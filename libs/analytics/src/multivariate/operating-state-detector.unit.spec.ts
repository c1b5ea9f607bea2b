import { DEFAULT_MULTIVARIATE_SETTINGS } from './multivariate-settings';
import { OperatingStateDetector, type OperatingStateVerdict } from './operating-state-detector';
import type { OperatingStateSettings } from './operating-states';
import { CUT_S, IDLE_S, loadCycles, type LoadCycleOptions } from './testing/load-cycle-machine';

const settings = { ...DEFAULT_MULTIVARIATE_SETTINGS, warmUp: 800 };
const STATES: OperatingStateSettings = {
  property: 'machine_state',
  states: [{ name: 'idle', below: 1.5 }, { name: 'cutting' }],
  settle: 10,
};
const CYCLE = CUT_S + IDLE_S;

function byState(steps: number, options: LoadCycleOptions = {}): OperatingStateVerdict[] {
  const detector = new OperatingStateDetector(3, settings, STATES);
  return loadCycles(steps, options).map((s) => detector.observe(s.row, s.state));
}

const opened = (verdicts: { change: string | null }[]) =>
  verdicts.flatMap((v, t) => (v.change === 'opened' ? [t] : []));

describe('the multivariate detector per operating state', () => {
  it('does not flag a healthy machine through its load cycles, part changes and transitions', () => {
    const verdicts = byState(60 * CYCLE);
    expect(verdicts.at(-1)!.learning).toBe(false);
    expect(opened(verdicts)).toEqual([]);
  });

  it('does not judge the transient after a change of state', () => {
    const verdicts = byState(60 * CYCLE);
    for (let cycle = 50; cycle < 55; cycle++) {
      const cutStarts = cycle * CYCLE;
      const idleStarts = cutStarts + CUT_S;
      for (const start of [cutStarts, idleStarts]) {
        expect(verdicts.slice(start, start + 10).every((v) => v.settling && v.score === 0)).toBe(
          true,
        );
        expect(verdicts[start + 10]!.settling).toBe(false);
      }
    }
  });

  it('judges a machine waiting idle for an hour against idle, and does not flag it', () => {
    const waits: [number, number] = [50 * CYCLE, 50 * CYCLE + 3600];
    const verdicts = byState(70 * CYCLE, { waits });
    expect(
      verdicts.slice(waits[0] + 10, waits[1]).every((v) => v.state === 'idle' && !v.learning),
    ).toBe(true);
    expect(opened(verdicts)).toEqual([]);
  });

  it('still flags a fault that shows only while cutting, within the part it starts in', () => {
    const from = 50 * CYCLE + 30;
    // Vibration doubled for the speed (a bearing); each part's own speed and load are normal.
    const episodes = opened(byState(60 * CYCLE, { vibrationFault: [from, 56 * CYCLE, 2] }));
    expect(episodes.length).toBeGreaterThan(0);
    expect(episodes[0]!).toBeGreaterThanOrEqual(from);
    expect(episodes[0]! - from).toBeLessThan(60);
  });

  it('continues from a checkpoint exactly as the detector that took it', () => {
    const steps = loadCycles(40 * CYCLE, { vibrationFault: [35 * CYCLE, 37 * CYCLE, 2] });
    const whole = new OperatingStateDetector(3, settings, STATES);
    const expected = steps.map((s) => whole.observe(s.row, s.state));
    const first = new OperatingStateDetector(3, settings, STATES);
    const cut = 34 * CYCLE + 7;
    steps.slice(0, cut).forEach((s) => first.observe(s.row, s.state));
    const saved = JSON.parse(JSON.stringify(first.snapshot()));
    const resumed = OperatingStateDetector.restore(saved, 3, settings, STATES);
    expect(steps.slice(cut).map((s) => resumed.observe(s.row, s.state))).toEqual(
      expected.slice(cut),
    );
  });
});
