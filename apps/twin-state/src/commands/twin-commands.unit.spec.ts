import {
  decideTwin,
  initialTwinState,
  isTwinlogError,
  ModelCatalog,
  parseTwinModel,
  stampEvents,
  TwinlogError,
  type EventEnvelope,
  type NewEvent,
} from '@twinlog/domain';
import type { AppendOptions, AppendResult, EventLog } from '@twinlog/event-log';
import type { TwinStateConfig } from '../config/twin-state.config';
import type { TwinOwnership } from '../replicas/twin-ownership';
import type { LiveTwins } from '../state/live-twins';
import { TwinCommands } from './twin-commands.service';

const catalog = ModelCatalog.of(
  [
    'type: mill\nversion: 1\nlevel: asset\nchildren: [{ type: tool, max: 1 }]\nproperties: {}',
    'type: tool\nversion: 1\nlevel: component\nproperties: {}',
  ].map((text, i) => ({ model: parseTwinModel(text, `m${i}.yaml`), source: `m${i}.yaml` })),
);

/** A log of twin-events in memory; appends go through the ownership (as with shared replicas). */
function commandsWith(attach: (events: NewEvent[]) => Promise<AppendResult>) {
  const stored = new Map<string, EventEnvelope[]>();
  let offset = 0;
  const record = (events: NewEvent[]): AppendResult => {
    const appended = events.map((event) => {
      offset += 1;
      const twin = stored.get(event.twinId) ?? [];
      stored.set(event.twinId, [...twin, { ...event, revision: offset } as EventEnvelope]);
      return { id: event.id, position: { stream: 'twin-events' as const, partition: 0, offset } };
    });
    return { appended, duplicates: [] };
  };
  const mill = decideTwin({ type: 'RegisterTwin', twinType: 'mill' }, initialTwinState('mill-1'), {
    catalog,
    now: new Date().toISOString(),
    maxFutureSkewMs: 60_000,
  });
  record(
    stampEvents('mill-1', mill, {
      commandId: 'c0',
      correlationId: 'c0',
      causationId: null,
      producer: 'spec',
      now: new Date(Date.now() - 60_000).toISOString(),
    }),
  );
  const log = {
    readStream: async (twinId: string) => stored.get(twinId) ?? [],
  } as unknown as EventLog;
  const ownership = {
    where: () => ({ kind: 'here' }),
    append: async (_fencedBy: string, events: NewEvent[], _options?: AppendOptions) =>
      events[0]!.twinId === 'mill-1' ? attach(events) : record(events),
  } as unknown as TwinOwnership;
  const live = { holdsLive: () => true } as unknown as LiveTwins;
  const config = { maxFutureSkewMs: 60_000 } as TwinStateConfig;
  return {
    commands: new TwinCommands(log, catalog, config, ownership, live),
    stored,
    record,
  };
}

describe('TwinCommands: a registration under a parent', () => {
  it('appends the child and the parent’s ChildAttached', async () => {
    const { commands, stored, record } = commandsWith(async (events) => record(events));
    const result = await commands.execute('tool-1', {
      type: 'RegisterTwin',
      twinType: 'tool',
      parentId: 'mill-1',
    });
    expect(result.events.map((e) => e.type)).toEqual(['TwinRegistered']);
    expect(stored.get('mill-1')!.map((e) => e.type)).toEqual(['TwinRegistered', 'ChildAttached']);
  });

  it('says the twin is registered when the parent’s attachment is refused, never "nothing applied"', async () => {
    const moving = new TwinlogError('PARTITION_MOVING', 'partition 0 moved: nothing was appended');
    const { commands, stored } = commandsWith(async () => Promise.reject(moving));
    const refusal: unknown = await commands
      .execute('tool-1', { type: 'RegisterTwin', twinType: 'tool', parentId: 'mill-1' })
      .catch((error: unknown) => error);
    expect(isTwinlogError(refusal, 'PARENT_NOT_ATTACHED')).toBe(true);
    expect((refusal as TwinlogError).details).toEqual({
      twinId: 'tool-1',
      parentId: 'mill-1',
      cause: 'PARTITION_MOVING',
    });
    expect((refusal as Error).message).toMatch(/tool-1 is registered, but its attachment/);
    expect(stored.get('tool-1')!.map((e) => e.type)).toEqual(['TwinRegistered']);
    expect(stored.get('mill-1')!.map((e) => e.type)).toEqual(['TwinRegistered']);
  });
});
