import { isTwinlogError } from '../errors';
import { at, given } from '../testing/fixtures';
import { foldTwin } from '../twin/fold-twin';
import { initialTwinState } from '../twin/twin-state';
import { AI_TEXT_LIMITS } from './ai-events';
import { parseEvent } from './parse-event';
import { CURRENT_SCHEMA_VERSION, streamOf, type EventEnvelope } from './twin-events';

// The AI layer's events (issue 22): bounded texts and counts, old SimulationRequested events
// without `ask` still read, and twin state folds neither into the twin.
const envelope = {
  twinId: 'mill-1',
  revision: 9,
  occurredAt: at(10),
  recordedAt: at(11),
  correlationId: 'corr-1',
  producer: 'twin-state',
  schemaVersion: 1,
};

const explained = {
  ...envelope,
  id: 'evt-explained',
  causationId: 'evt-detected',
  type: 'AnomalyExplained',
  data: {
    episodeId: 'ep-1',
    anomalyEventId: 'evt-detected',
    summary: 'The spindle runs hot under load.',
    likelyCauses: [{ cause: 'worn bearing', why: 'temperature follows speed' }],
    checkFirst: ['bearing temperature by hand'],
    model: 'gpt-4.1-mini',
    promptVersion: 'explain/1',
  },
};

const finding = {
  ...envelope,
  id: 'evt-finding',
  causationId: null,
  type: 'AiFindingRecorded',
  producer: 'anomaly',
  data: {
    source: 'ai-second-opinion',
    verdict: 'possible-anomaly',
    properties: ['temperature'],
    summary: 'Temperature drifts up while speed is flat.',
    window: { from: at(0), to: at(600) },
    readings: 120,
    model: 'gpt-4.1-mini',
    promptVersion: 'second-opinion/1',
  },
};

const simulationRequested = {
  ...envelope,
  id: 'evt-sim',
  causationId: null,
  type: 'SimulationRequested',
  producer: 'simulation',
  data: {
    simulationId: 'sim-1',
    label: null,
    comparisonId: null,
    startAt: at(0),
    timeTravel: false,
    horizonSeconds: 3600,
    stepSeconds: 10,
    perturbations: [],
    samples: 0,
    seed: null,
  },
};

const invalid = (raw: unknown) => {
  try {
    parseEvent(raw);
  } catch (error) {
    return isTwinlogError(error, 'EVENT_INVALID') ? error.message : `other: ${String(error)}`;
  }
  return 'parsed';
};

describe('AnomalyExplained and AiFindingRecorded', () => {
  it('parse at schema version 1, on twin-events', () => {
    expect(parseEvent(explained)).toEqual(explained);
    expect(parseEvent(finding)).toEqual(finding);
    expect(CURRENT_SCHEMA_VERSION.AnomalyExplained).toBe(1);
    expect(CURRENT_SCHEMA_VERSION.AiFindingRecorded).toBe(1);
    expect(streamOf('AnomalyExplained')).toBe('twin-events');
    expect(streamOf('AiFindingRecorded')).toBe('twin-events');
  });

  it.each([
    ['a summary over its bound', { summary: 'x'.repeat(AI_TEXT_LIMITS.summary + 1) }, /summary/],
    ['an empty summary', { summary: '' }, /summary/],
    [
      'six likely causes',
      { likelyCauses: Array(6).fill({ cause: 'c', why: 'w' }) },
      /likelyCauses/,
    ],
    [
      'a cause over its bound',
      { likelyCauses: [{ cause: 'c'.repeat(301), why: 'w' }] },
      /likelyCauses/,
    ],
    ['six things to check', { checkFirst: Array(6).fill('look') }, /checkFirst/],
    ['a number for a text', { summary: 1e308 }, /summary/],
    ['an array for the causes', { likelyCauses: 'all of them' }, /likelyCauses/],
    ['no episode', { episodeId: undefined }, /episodeId/],
  ])('refuse an explanation with %s', (_what, change, field) => {
    expect(invalid({ ...explained, data: { ...explained.data, ...change } })).toMatch(field);
  });

  it.each([
    ['another source', { source: 'detector' }, /source/],
    ['another verdict', { verdict: 'nothing-unusual' }, /verdict/],
    ['no properties', { properties: [] }, /properties/],
    ['21 properties', { properties: Array.from({ length: 21 }, (_, i) => `p${i}`) }, /properties/],
    ['an inverted window', { window: { from: at(600), to: at(0) } }, /window/],
    ['an impossible date', { window: { from: '2026-02-30T00:00:00Z', to: at(0) } }, /window/],
    ['NaN readings', { readings: NaN }, /readings/],
    ['fractional readings', { readings: 1.5 }, /readings/],
  ])('refuse a finding with %s', (_what, change, field) => {
    expect(invalid({ ...finding, data: { ...finding.data, ...change } })).toMatch(field);
  });

  it('drop Object built-in names smuggled into the payload', () => {
    const hostile = JSON.parse(
      JSON.stringify(finding.data).replace(
        '{',
        '{"__proto__":{"polluted":true},"constructor":"x",',
      ),
    );
    const parsed = parseEvent({ ...finding, data: hostile });
    expect(Object.hasOwn(parsed.data, '__proto__')).toBe(false);
    expect(Object.hasOwn(parsed.data, 'constructor')).toBe(false);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe("SimulationRequested's optional ask", () => {
  it('reads old events without it, and new ones with it or null', () => {
    expect(parseEvent(simulationRequested)).toEqual(simulationRequested);
    const ask = { text: 'what if the coolant pump fails?', model: 'gpt-4.1-mini' };
    const asked = { ...simulationRequested, data: { ...simulationRequested.data, ask } };
    expect(parseEvent(asked)).toEqual(asked);
    const none = { ...simulationRequested, data: { ...simulationRequested.data, ask: null } };
    expect(parseEvent(none)).toEqual(none);
  });

  it('bounds the ask', () => {
    const long = { text: 'x'.repeat(AI_TEXT_LIMITS.askText + 1), model: 'm' };
    expect(
      invalid({ ...simulationRequested, data: { ...simulationRequested.data, ask: long } }),
    ).toMatch(/ask\.text/);
    const blank = { text: 'why', model: '' };
    expect(
      invalid({ ...simulationRequested, data: { ...simulationRequested.data, ask: blank } }),
    ).toMatch(/ask\.model/);
  });
});

describe('twin state', () => {
  it('folds neither AI event into the twin: only the stream revision moves', () => {
    const { events, state } = given('mill-1', [{ type: 'RegisterTwin', twinType: 'mill' }]);
    const last = events.at(-1)!.revision;
    const notes = [
      { ...explained, revision: last + 1 },
      { ...finding, revision: last + 2 },
    ].map((raw) => parseEvent(raw)) as EventEnvelope[];
    const folded = foldTwin(notes, state);
    expect(folded).toEqual({ ...state, revision: last + 2 });
    // From scratch too: the notes before the registration leave the twin unregistered.
    expect(foldTwin(notes, initialTwinState('mill-1'))).toMatchObject({
      ...initialTwinState('mill-1'),
      revision: last + 2,
    });
  });
});
