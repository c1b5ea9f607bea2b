import { accountLosses, describeDifferences } from './loss-accounting';

const topic = (readings: number) => ({ stage: 'telemetry topic', readings });

describe('the loss accounting', () => {
  it('finds nothing when every stage holds what was acknowledged', () => {
    const verdict = accountLosses(1000, topic(1000), [
      { stage: 'twin state', readings: 1000 },
      { stage: 'InfluxDB', readings: 1000 },
    ]);
    expect(verdict).toEqual({ lost: 0, differences: [] });
  });

  it('names the stage that lost readings the topic holds', () => {
    const verdict = accountLosses(1000, topic(1000), [
      { stage: 'twin state', readings: 1000 },
      { stage: 'InfluxDB', readings: 990 },
    ]);
    expect(verdict.lost).toBe(10);
    expect(describeDifferences(verdict)).toEqual([
      '10 readings went missing between telemetry topic and InfluxDB (990 of 1,000)',
    ]);
  });

  it('blames the topic, not every stage after it, for readings acknowledged but never logged', () => {
    const verdict = accountLosses(1000, topic(900), [
      { stage: 'twin state', readings: 900 },
      { stage: 'anomaly workers', readings: 880 },
    ]);
    expect(verdict.lost).toBe(120);
    expect(verdict.differences.map((d) => [d.stage, d.from])).toEqual([
      ['telemetry topic', 'acknowledged'],
      ['anomaly workers', 'telemetry topic'],
    ]);
  });

  it('counts duplicates as a difference but not as lost', () => {
    const verdict = accountLosses(1000, topic(1000), [{ stage: 'twin state', readings: 1005 }]);
    expect(verdict.lost).toBe(0);
    expect(describeDifferences(verdict)).toEqual([
      '5 readings too many in twin state against telemetry topic (1,005 for 1,000): duplicates',
    ]);
    // Before the drain ended the later count may simply have moved on.
    expect(describeDifferences(verdict, false)[0]).toMatch(/counted later while still moving$/);
  });

  it('fails a stage that could not be counted, and proves none of its readings', () => {
    const verdict = accountLosses(1000, topic(1000), [
      { stage: 'twin state', readings: 1000 },
      { stage: 'telemetry store', readings: NaN },
    ]);
    expect(verdict.lost).toBe(1000);
    expect(describeDifferences(verdict)).toEqual([
      'telemetry store could not be counted (it did not answer): none of its 1,000 readings from telemetry topic proven',
    ]);
  });
});
