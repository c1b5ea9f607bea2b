import type { AuditEntry } from '../../api/types';
import {
  explainButtonText,
  explainErrorText,
  explanationByline,
  latestExplanations,
} from './explanation';

const entry = (
  id: string,
  occurredAt: string,
  data: unknown,
  type = 'AnomalyExplained',
): AuditEntry => ({
  id,
  twinId: 'mill-1',
  type,
  revision: 1,
  occurredAt,
  recordedAt: occurredAt,
  correlationId: 'c',
  causationId: 'ep-1/detected',
  producer: 'twin-state/key:maria',
  position: 1,
  actor: 'key:maria',
  data,
});
const data = (episodeId: string, summary: string) => ({
  episodeId,
  anomalyEventId: `${episodeId}/detected`,
  summary,
  likelyCauses: [{ cause: 'coolant', why: 'heat' }, { cause: 1 }],
  checkFirst: ['pump', 7],
  model: 'm',
  promptVersion: 'explain/1',
});

describe("the twin page's explanations", () => {
  it('keeps the latest explanation of each episode, of the expected shape only', () => {
    const found = latestExplanations([
      entry('e1', '2026-12-06T10:00:00Z', data('ep-1', 'first')),
      entry('e2', '2026-12-06T10:05:00Z', data('ep-1', 'second')),
      entry('e3', '2026-12-06T10:06:00Z', data('__proto__', 'odd id')),
      entry('e4', '2026-12-06T10:07:00Z', { episodeId: 'ep-2' }),
      entry('e5', '2026-12-06T10:08:00Z', data('ep-3', 'not this type'), 'AnomalyDetected'),
      entry('e6', '2026-12-06T10:09:00Z', null),
    ]);
    expect([...found.keys()]).toEqual(['ep-1', '__proto__']);
    expect(found.get('ep-1')).toEqual({
      episodeId: 'ep-1',
      twinId: 'mill-1',
      anomalyEventId: 'ep-1/detected',
      eventId: 'e2',
      explainedAt: '2026-12-06T10:05:00Z',
      actor: 'key:maria',
      summary: 'second',
      likelyCauses: [{ cause: 'coolant', why: 'heat' }],
      checkFirst: ['pump'],
      model: 'm',
      promptVersion: 'explain/1',
    });
  });

  it('labels the text as the model’s, and says who asked', () => {
    const e = latestExplanations([entry('e1', '2026-12-06T10:00:00Z', data('ep-1', 's'))]).get(
      'ep-1',
    )!;
    expect(explanationByline(e, () => 'then')).toBe(
      'AI explanation by m, then, asked by key:maria',
    );
    expect(explanationByline({ ...e, actor: null }, () => 'then')).toBe(
      'AI explanation by m, then',
    );
  });

  it('words the button and the refusals', () => {
    expect(explainButtonText(false, false)).toBe('Explain');
    expect(explainButtonText(false, true)).toBe('Explain again');
    expect(explainButtonText(true, true)).toBe('Explaining…');
    expect(explainErrorText('AI_OFF', 'x')).toMatch(/AI is off/);
    expect(explainErrorText('AI_BUSY', 'wait')).toBe('The AI assistant cannot answer now: wait');
    expect(explainErrorText('AI_ANSWER_INVALID', 'as said')).toBe('as said');
  });
});
