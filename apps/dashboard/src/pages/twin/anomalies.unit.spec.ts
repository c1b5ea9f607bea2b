import { deviationText, episodesOf, evidenceText, expectedText, raisedText } from './anomalies';

describe('anomaly evidence in words', () => {
  it('says observed against expected, the expected range and by how much it is off', () => {
    expect(
      evidenceText(
        {
          property: 'temperature',
          observed: 91.2,
          expected: 60,
          expectedLow: 55,
          expectedHigh: 65,
        },
        '°C',
      ),
    ).toBe(
      'temperature: observed 91.2 °C, expected 60 °C (range 55–65 °C), above the range by 26.2',
    );
    expect(evidenceText({ property: 'rpm', observed: 900, expected: 1200 })).toBe(
      'rpm: observed 900, expected 1200, below expected by 300',
    );
  });

  it('copes with one-sided ranges and no expectation at all', () => {
    expect(expectedText({ property: 'p', observed: 1, expectedLow: 2 })).toBe('range at least 2');
    expect(expectedText({ property: 'p', observed: 9, expectedHigh: 5 }, 'bar')).toBe(
      'range at most 5 bar',
    );
    expect(deviationText({ property: 'p', observed: 1, expectedLow: 2 })).toBe(
      'below the range by 1',
    );
    expect(expectedText({ property: 'p', observed: 1 })).toBe('not stated');
    expect(evidenceText({ property: 'p', observed: 1 })).toBe('p: observed 1, expected not stated');
    expect(deviationText({ property: 'p', observed: 3, expected: 3 })).toBe('as expected');
  });

  it('folds detections and clearings into episodes, newest first', () => {
    const detected = (id: string, at: string, episodeId: string, observed: number) => ({
      id,
      type: 'AnomalyDetected',
      occurredAt: at,
      data: {
        episodeId,
        detector: 'zscore',
        properties: ['temperature'],
        score: 4.2,
        severity: 'alarm',
        evidence: [{ property: 'temperature', observed, expected: 60 }],
      },
    });
    const episodes = episodesOf([
      detected('1', '2026-12-06T10:00:00Z', 'e1', 80),
      detected('2', '2026-12-06T10:01:00Z', 'e1', 85), // the same episode, newer evidence
      {
        id: '3',
        type: 'AnomalyCleared',
        occurredAt: '2026-12-06T10:05:00Z',
        data: { episodeId: 'e1', detector: 'zscore' },
      },
      detected('4', '2026-12-06T11:00:00Z', 'e2', 90),
      {
        id: '5',
        type: 'AnomalyCleared',
        occurredAt: '2026-12-06T11:00:00Z',
        data: { episodeId: 'nope' },
      },
      { id: '6', type: 'AnomalyDetected', occurredAt: '2026-12-06T12:00:00Z', data: null },
    ]);
    expect(episodes.map((e) => [e.episodeId, e.openedAt, e.clearedAt])).toEqual([
      ['e2', '2026-12-06T11:00:00Z', null],
      ['e1', '2026-12-06T10:00:00Z', '2026-12-06T10:05:00Z'],
    ]);
    expect(episodes[1]!.evidence[0]!.observed).toBe(85);
  });

  it('shows an episode at its worst severity so far, and when it was raised to it', () => {
    const event = (id: string, type: string, at: string, data: object) => ({
      id,
      type,
      occurredAt: at,
      data: { episodeId: 'e1', detector: 'limits', ...data },
    });
    const raised = (id: string, at: string, severity: string, observed: number) =>
      event(id, 'AnomalyEscalated', at, {
        severity,
        score: 0.9,
        evidence: [{ property: 'tool_wear', observed, expectedHigh: 0.2 }],
      });
    const [episode] = episodesOf([
      event('1', 'AnomalyDetected', '2026-12-06T10:00:00Z', {
        properties: ['tool_wear'],
        score: 0.55,
        severity: 'warning',
        evidence: [{ property: 'tool_wear', observed: 0.25, expectedHigh: 0.2 }],
      }),
      raised('2', '2026-12-06T10:10:00Z', 'alarm', 0.35),
      raised('3', '2026-12-06T10:20:00Z', 'critical', 0.45),
      raised('4', '2026-12-06T10:21:00Z', 'alarm', 0.35), // lower: the worst stands
    ]);
    expect(episode).toMatchObject({
      severity: 'critical',
      score: 0.9,
      evidence: [{ observed: 0.45 }],
      openedAt: '2026-12-06T10:00:00Z',
      raised: [
        { severity: 'alarm', at: '2026-12-06T10:10:00Z' },
        { severity: 'critical', at: '2026-12-06T10:20:00Z' },
      ],
    });
    expect(raisedText(episode!.severity)).toBe('raised to critical at');
  });
});
