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

  it('says when an open episode was raised to its severity', () => {
    const line = episodeLine('raised', {
      twinId: 'cnc-02-tool',
      episodeId: 'cnc-02-tool:tool_wear:limits:r-7',
      detector: 'limits',
      properties: ['tool_wear'],
      severity: 'critical',
      score: 0.95,
      since: '2026-12-06T10:00:00.000Z',
      raisedAt: '2026-12-06T10:40:00.000Z',
      evidence: [{ property: 'tool_wear', observed: 1.01, expectedHigh: 0.6 }],
    });
    expect(line).toBe(
      'raised 2026-12-06T10:00:00.000Z  cnc-02-tool  critical (raised to critical at 2026-12-06T10:40:00.000Z) limits on tool_wear (score 0.95): tool_wear 1.01  [id cnc-02-tool:tool_wear:limits:r-7]',
    );
  });
});
