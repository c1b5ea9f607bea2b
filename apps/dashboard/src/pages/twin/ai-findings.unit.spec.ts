import { findingsOf, FINDINGS_SHOWN } from './ai-findings';

const finding = (to: string, more: Record<string, unknown> = {}) => ({
  id: `m1/second-opinion/${to}`,
  type: 'AiFindingRecorded',
  data: {
    source: 'ai-second-opinion',
    verdict: 'possible-anomaly',
    properties: ['vibration'],
    summary: 'Vibration wanders.',
    window: { from: '2026-01-01T10:00:00.000Z', to },
    readings: 240,
    model: 'm',
    promptVersion: 'second-opinion/1',
    ...more,
  },
});

describe('the twin page’s AI second opinions', () => {
  it('lists the findings newest window first, at most FINDINGS_SHOWN', () => {
    const events = Array.from({ length: 12 }, (_, i) =>
      finding(`2026-01-01T${String(10 + i).padStart(2, '0')}:15:00.000Z`),
    );
    const views = findingsOf(events);
    expect(views).toHaveLength(FINDINGS_SHOWN);
    expect(views[0]).toMatchObject({
      to: '2026-01-01T21:15:00.000Z',
      properties: ['vibration'],
      summary: 'Vibration wanders.',
      readings: 240,
    });
  });

  it('leaves out other events and anything not shaped like a finding', () => {
    const views = findingsOf([
      { id: 'a', type: 'AnomalyDetected', data: { episodeId: 'x' } },
      { id: 'b', type: 'AiFindingRecorded', data: null },
      finding('2026-01-01T10:15:00.000Z', { source: 'detector' }),
      finding('2026-01-01T10:15:00.000Z', { window: { from: 'yesterday', to: 'today' } }),
      finding('2026-01-01T10:15:00.000Z', { summary: '' }),
      finding('2026-01-01T10:30:00.000Z', { properties: ['__proto__', 7], model: undefined }),
    ]);
    expect(views).toEqual([
      expect.objectContaining({ properties: ['__proto__'], model: 'unknown model' }),
    ]);
  });
});
