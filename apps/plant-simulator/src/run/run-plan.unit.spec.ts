import { parseColumnMapping, parseCsv, planReplay as planCsv } from '@twinlog/plant-sim';
import { planRun } from './run-plan';

const NOW = Date.parse('2026-06-01T12:00:00Z');

describe('planRun', () => {
  it('derives the sample interval from rate and speed', () => {
    // 3 machines x 14 sensors = 42 readings per sample.
    expect(planRun({ rate: 42 }, NOW).intervalMs).toBe(1_000);
    expect(planRun({ rate: 420, speed: 60 }, NOW).intervalMs).toBe(6_000);
    expect(planRun({}, NOW).intervalMs).toBe(1_000);
    expect(() => planRun({ rate: 1, speed: 100 }, NOW)).toThrow(
      /choose a rate from 70 to 420,000 readings\/s/,
    );
    expect(() => planRun({ rate: 10, intervalMs: 500 }, NOW)).toThrow(/not both/);
  });

  it('starts a fast run in the past so that it reaches the present as it ends', () => {
    expect(planRun({}, NOW).plantStartMs).toBe(NOW);
    expect(planRun({ speed: 60, durationMs: 60_000 }, NOW).plantStartMs).toBe(NOW - 59 * 60_000);
    expect(planRun({ speed: 10 }, NOW).plantStartMs).toBe(NOW - 9 * 600_000);
    expect(planRun({ startMs: NOW - 5 }, NOW).plantStartMs).toBe(NOW - 5);
  });

  it('samples the plant at its interval and registers it', () => {
    const plan = planRun({ plant: { machines: 2, timeline: 'none' }, intervalMs: 2_000 }, NOW);
    // The process, the line, and each machine with its three components.
    expect(plan.registrations).toHaveLength(10);
    expect(plan.source.peek()).toBe(NOW);
    expect(plan.source.take().readings).toHaveLength(29);
    expect(plan.source.peek()).toBe(NOW + 2_000);
    expect(plan.source.take().readings).toHaveLength(28);
  });

  it('replays a file moved to the run’s plant time, at a speed the rate sets', () => {
    const replay = planCsv(parseCsv('t;a;b\n2020-01-01 00:00:00;1;2\n2020-01-01 00:00:10;3;4\n'), [
      parseColumnMapping('a=p/x'),
      parseColumnMapping('b=q/y'),
    ]);
    const plan = planRun(
      { replay: { replay, twinTypes: { '*': 'coolant-pump' } }, rate: 4, register: true },
      NOW,
    );
    // 4 readings over 10 s is 0.4 readings/s: 4 readings/s needs 10x.
    expect(plan.speed).toBe(10);
    expect(plan.plantStartMs).toBe(NOW - 9_000);
    expect(plan.source.take().readings[0]).toMatchObject({
      twinId: 'p',
      time: new Date(NOW - 9_000).toISOString(),
    });
    expect(plan.registrations.map((r) => [r.twinId, r.twinType])).toEqual([
      ['p', 'coolant-pump'],
      ['q', 'coolant-pump'],
    ]);
    expect(() => planRun({ replay: { replay }, register: true }, NOW)).toThrow(/--twin-type/);
    expect(planRun({ replay: { replay, keepTime: true } }, NOW).plantStartMs).toBe(replay.firstMs);
  });
});
