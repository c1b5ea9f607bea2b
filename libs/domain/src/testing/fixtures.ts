import { ModelCatalog } from '../model/model-catalog';
import { parseTwinModel } from '../model/parse-twin-model';
import { streamOf, type EventEnvelope, type NewEvent } from '../events/twin-events';
import type { DecideContext } from '../twin/decide-context';
import { decideTwin } from '../twin/decide-twin';
import type { DecidedEvent } from '../twin/decided-event';
import { stampEvents, type CommandMeta } from '../twin/stamp-events';
import type { TwinCommand } from '../twin/twin-commands';
import { foldTwin } from '../twin/fold-twin';
import { initialTwinState, type TwinState } from '../twin/twin-state';

/** A small plant for domain specs: a mill (asset) that may hold one tool (component). */
export const fixtureCatalog = ModelCatalog.of(
  [
    `type: mill
version: 1
level: asset
children: [{ type: tool, max: 1 }]
properties:
  temperature: { unit: °C, limits: { normal: { high: 60 }, alarm: { high: 80 } } }
  spindle_speed: { unit: rpm, valueType: integer }`,
    `type: mill
version: 2
level: asset
children: [{ type: tool, max: 1 }]
properties:
  temperature: { unit: °C, limits: { normal: { high: 65 }, alarm: { high: 85 } } }
  spindle_speed: { unit: rpm, valueType: integer }
  power: { unit: kW }`,
    `type: tool
version: 1
level: component
properties:
  tool_wear: { unit: "1", limits: { alarm: { high: 0.9 }, failure: { high: 1 } } }`,
  ].map((text, i) => ({
    model: parseTwinModel(text, `fixture-${i}.yaml`),
    source: `fixture-${i}.yaml`,
  })),
);

export const T0 = '2026-01-01T00:00:00.000Z';
export const at = (seconds: number): string =>
  new Date(Date.parse(T0) + seconds * 1000).toISOString();

export function context(overrides: Partial<DecideContext> = {}): DecideContext {
  return { catalog: fixtureCatalog, now: at(3600), maxFutureSkewMs: 60_000, ...overrides };
}

let commandCounter = 0;
export function meta(now = at(3600)): CommandMeta {
  commandCounter += 1;
  return {
    commandId: `cmd-${commandCounter}`,
    correlationId: `corr-${commandCounter}`,
    causationId: null,
    producer: 'spec',
    now,
  };
}

let logPosition = 0;
/** Gives new events positions as a log would (increasing, shared by all twins, not dense per twin). */
export function record(events: NewEvent[]): EventEnvelope[] {
  return events.map((event) => ({ ...event, revision: (logPosition += 1) }) as EventEnvelope);
}
export { streamOf };

/**
 * Given/when/then for the twin decider: events in the log, a command, the events decided. A
 * step is a command to decide, or an event decided elsewhere (telemetry, which ingestion screens).
 */
export function given(
  twinId: string,
  ...steps: Array<[TwinCommand, Partial<DecideContext>?] | DecidedEvent>
) {
  let events: EventEnvelope[] = [];
  let state: TwinState = initialTwinState(twinId);
  for (const step of steps) {
    const decided = Array.isArray(step)
      ? decideTwin(step[0], state, context({ now: at(0), ...step[1] }))
      : [step];
    const stamped = record(stampEvents(twinId, decided, meta(at(0))));
    events = [...events, ...stamped];
    state = foldTwin(stamped, state);
  }
  return {
    events,
    state,
    when: (command: TwinCommand, ctx: Partial<DecideContext> = {}): DecidedEvent[] =>
      decideTwin(command, state, context(ctx)),
  };
}
