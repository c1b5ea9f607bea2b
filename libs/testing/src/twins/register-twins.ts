import { randomUUID } from 'node:crypto';
import {
  decideTwin,
  foldTwin,
  initialTwinState,
  stampEvents,
  type EventEnvelope,
  type ModelCatalog,
  type NewEvent,
  type TwinCommand,
} from '@twinlog/domain';

const DAY_MS = 86_400_000;

/** The one thing it needs of an event log (libs/testing does not depend on libs/event-log). */
export interface AppendsEvents {
  append(events: NewEvent[]): Promise<unknown>;
}

export interface TwinToRegister {
  twinId: string;
  twinType: string;
  site?: string;
  retire?: boolean;
}

/**
 * Registers twins the way twin-state would: decided, stamped and appended to the log, so a
 * service under test finds them without a twin-state service running.
 */
export async function registerTwins(
  log: AppendsEvents,
  catalog: ModelCatalog,
  twins: TwinToRegister[],
): Promise<void> {
  const ctx = { catalog, now: new Date().toISOString(), maxFutureSkewMs: 0 };
  for (const twin of twins) {
    const commands: TwinCommand[] = [
      {
        type: 'RegisterTwin',
        twinType: twin.twinType,
        ...(twin.site ? { site: twin.site } : {}),
        commissionedAt: new Date(Date.now() - 30 * DAY_MS).toISOString(),
      },
    ];
    if (twin.retire) commands.push({ type: 'RetireTwin', reason: 'scrapped' });
    let state = initialTwinState(twin.twinId);
    for (const command of commands) {
      const events = stampEvents(twin.twinId, decideTwin(command, state, ctx), {
        commandId: randomUUID(),
        correlationId: randomUUID(),
        causationId: null,
        producer: 'test',
        now: ctx.now,
      });
      await log.append(events);
      state = foldTwin(
        events.map((e, i) => ({ ...e, revision: state.revision + i + 1 }) as EventEnvelope),
        state,
      );
    }
  }
}
