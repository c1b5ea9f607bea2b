import { deviationText, episodesOf, evidenceText, expectedText } from './anomalies';

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
});
