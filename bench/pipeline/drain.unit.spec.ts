import {
  behind,
  drained,
  embeddedBehind,
  embeddedDrained,
  waitForDrain,
  type StageProgress,
} from './drain';

const done = (n: number, writerLag = 0): StageProgress => ({
  folded: n,
  judged: n,
  seen: n,
  writerLag,
});

describe('the drain', () => {
  it('is over only when every stage holds everything and the writer has committed all', () => {
    expect(drained(100, done(100))).toBe(true);
    expect(drained(100, { ...done(100), judged: 99 })).toBe(false);
    expect(drained(100, done(100, 3))).toBe(false);
    expect(drained(100, done(100, NaN))).toBe(false);
  });

  it('says how far behind each stage is, never less than none', () => {
    expect(behind(1000, { folded: 1010, judged: 400, seen: 1000, writerLag: 12 })).toBe(
      'twin-state 0, anomaly 600, maintenance 0 readings behind; InfluxDB writer 12 events behind',
    );
  });

  it('waits while the stages catch up, and gives up after its bound', async () => {
    const lines: string[] = [];
    let n = 0;
    const catchingUp = () => Promise.resolve(done((n += 40)));
    const o = {
      seconds: 1,
      progressMs: 0,
      pollMs: 1,
      say: (l: string) => lines.push(l),
      isDrained: drained,
      describe: behind,
    };
    expect(await waitForDrain(100, catchingUp, o)).toBeGreaterThan(0);
    expect(n).toBe(120);
    expect(lines).toHaveLength(2);
    expect(await waitForDrain(100, () => Promise.resolve(done(0)), { ...o, seconds: 0.05 })).toBe(
      0,
    );
  });

  it('in the embedded mode, is over once the store holds everything too', () => {
    const all = { folded: 100, judged: 100, points: 100 };
    expect(embeddedDrained(100, all)).toBe(true);
    // Not yet counted (NaN) is not drained.
    expect(embeddedDrained(100, { ...all, points: NaN })).toBe(false);
    expect(embeddedDrained(100, { ...all, judged: 98 })).toBe(false);
    expect(embeddedBehind(100, { folded: 100, judged: NaN, points: NaN })).toBe(
      'twin-state 0, anomaly ? readings behind',
    );
    expect(embeddedBehind(100, { ...all, points: 40 })).toBe(
      'twin-state 0, anomaly 0 readings behind; telemetry store 60 points behind',
    );
  });
});
