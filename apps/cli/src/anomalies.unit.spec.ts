import { episodeLine } from './commands/anomalies.command';

describe('twinlog anomalies', () => {
  it('prints each episode on one line with its evidence and the id that twinlog explain takes', () => {
    const line = episodeLine('open', {
      twinId: 'cnc-01',
      episodeId: 'cnc-01:*:multivariate:r-42',
      detector: 'multivariate',
      properties: ['temperature'],
      severity: 'alarm',
      score: 0.987,
      since: '2026-12-06T10:00:00.000Z',
      evidence: [{ property: 'temperature', observed: 94.51, expectedLow: 30, expectedHigh: 60 }],
    });
    expect(line).toBe(
      'open   2026-12-06T10:00:00.000Z  cnc-01  alarm multivariate on temperature (score 0.99): temperature 94.51 expected 30..60  [id cnc-01:*:multivariate:r-42]',
    );
    expect(line).toMatch(/^(open\s+\S+\s+\S+\s+(info|warning|alarm|critical) )/);
  });
});
